# nstop: curses viewer; CPU/memory figures come from libproc2 as top gets them
PKGS_nstop := ncursesw libproc2

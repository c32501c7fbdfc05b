# nstop: curses viewer; CPU/memory figures come from the library's scan
PKGS_nstop := ncursesw

# Driving a curses program in a private tmux server (sourced after lib.sh):
#   tmux_start NAME COLS ROWS COMMAND   a detached session of that size on a
#                                       server of its own (-L NAME-PID), killed
#                                       and its socket removed at exit
#   screen                              the pane's text now
#   wait_screen REGEX [SECONDS]         poll the screen until it matches (10 s)
#   keys KEY...                         tmux send-keys
tmux_start() {
	local name=$1-$$ cols=$2 rows=$3
	shift 3
	TM="tmux -L $name"
	# the socket file outlives the server
	on_exit "$TM kill-server; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$name'"
	$TM new-session -d -x "$cols" -y "$rows" "$*"
}
screen() { $TM capture-pane -p; }
wait_screen() {
	local n=$(( ${2:-10} * 10 ))
	while [ $n -gt 0 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
keys() { $TM send-keys "$@"; }

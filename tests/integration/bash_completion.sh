#!/usr/bin/env bash
# The bash completions (completion/): each file sources in bash and its
# function fills COMPREPLY for options, column names, namespace types,
# option values and container names, with the tools of this build.
source "$(dirname "$0")/../lib/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CDIR=$ROOT/completion
export PATH="$BUILD:$PATH"

# comp FILE WORD...: COMPREPLY, sorted, one line, for completing the last WORD
comp() {
	local file=$1
	shift
	bash --norc --noprofile -c '
		. "$1" || exit 9
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		f=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		"$f"
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' comp "$CDIR/$file" "$@"
}

for t in nstree nspid nstop nstrace nsenter-lite nsexporter; do
	[ -f "$CDIR/$t" ] && bash -n "$CDIR/$t" && pass "completion/$t exists and parses" || fail "completion/$t exists and parses"
	is "$(bash --norc -c ". '$CDIR/$t' && complete -p $t" 2>&1 | grep -c "^complete -F")" 1 "... it registers a completion for $t"
done

is "$(comp nstree nstree --ty)" "--type" "nstree --ty: --type"
like "$(comp nstree nstree --hol)" "^--holders$" "nstree --hol: --holders (from --help)"
is "$(comp nstree nstree -t "")" "cgroup ipc mnt net pid time user uts" "nstree -t: the namespace types"
is "$(comp nstree nstree -t u)" "user uts" "nstree -t u: user uts"
is "$(comp nstree nstree -o NS,TY)" "NS,TYPE" "nstree -o NS,TY: the last item of the list"
is "$(comp nstree nstree -o +UIDM)" "+UIDMAP" "nstree -o +UIDM: '+' kept"
is "$(comp nstree nstree --output NSU)" "NSUID" "nstree --output NSU: NSUID (from -H)"
is "$(comp nstree nstree --color = "")" "always auto never" "nstree --color=: auto always never"
is "$(comp nstree nstree --color = al)" "always" "nstree --color=al: always"
is "$(comp nstree nstree -T "")" "owner parent process" "nstree -T: the relations"
is "$(comp nspid nspid -o PP)" "PPID" "nspid -o PP: PPID"
pat="(^| )$$"'( |$)'
like "$(comp nspid nspid -- "$$")" "$pat" "nspid PID: pids"
is "$(comp nstop nstop -g "")" "container flat tree" "nstop -g: the groupings"
like "$(comp nstop nstop -s "%")" "%CPU" "nstop -s %: the sort columns"
is "$(comp nstrace nstrace -b "")" "1 2 4" "nstrace -b: the buffer sizes"
is "$(comp nsenter-lite nsenter-lite --net-s)" "--net-socket" "nsenter-lite --net-s: --net-socket"
is "$(comp nsenter-lite nsenter-lite --keep)" "--keep-caps" "nsenter-lite --keep: --keep-caps"
touch "$T_TMP/nsfile"
is "$(comp nsenter-lite nsenter-lite --net = "$T_TMP/nsf")" "$T_TMP/nsfile" "nsenter-lite --net=FILE: files"
like "$(comp nsenter-lite nsenter-lite -t 1 -- ech)" "(^| )echo( |$)" "nsenter-lite ... -- ech: commands"
is "$(comp nsexporter nsexporter --sou)" "--source" "nsexporter --sou: --source"

# container names come from nstree -o CONTAINER: a stand-in nstree says
# which, so the plumbing is checked without a container engine
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/nstree" <<STUB
#!/bin/sh
printf 'web-$$\nweb-$$\n\ndb-$$\n'
STUB
chmod +x "$T_TMP/bin/nstree"
is "$(PATH="$T_TMP/bin:$PATH" comp nsenter-lite nsenter-lite -t web-)" "web-$$" "nsenter-lite -t web-: container names (once each)"
is "$(PATH="$T_TMP/bin:$PATH" comp nspid nspid -N d)" "db-$$" "nspid -N d: container names"
# make install puts them where bash-completion looks for them
D=$T_TMP/dest
if make -s -C "$ROOT" BUILD="$BUILD" install DESTDIR="$D" PREFIX=/usr >"$T_TMP/inst.log" 2>&1; then
	is "$(ls "$D/usr/share/bash-completion/completions" | paste -sd' ')" "_nstools nsenter-lite nsexporter nspid nstop nstrace nstree" \
		"make install: every tool's completion in \$(PREFIX)/share/bash-completion/completions"
	is "$(bash --norc -c ". '$D/usr/share/bash-completion/completions/nstree' && complete -p nstree")" "complete -F _nstree nstree" \
		"... the installed file finds its helpers"
else
	fail "make install DESTDIR=: $(tail -3 "$T_TMP/inst.log")"
fi
done_testing

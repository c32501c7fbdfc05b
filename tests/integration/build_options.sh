#!/usr/bin/env bash
# The build's options: make BPF=0 (library and tools without BPF, on
# purpose; nstrace says so in one line, the others read /proc), bpftool
# found in /usr/sbin off PATH, every missing package named in one round
# (build and test, labelled) for a user who cannot install them, and a
# plain make building no test program.
source "$(dirname "$0")/../lib/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# --------------------------------------------------------------- BPF=0
B=$T_TMP/nobpf
start=$(date +%s)
# the library and the two tools that show it (a full BPF=0 build is the
# same compile, twice as long)
if make -s -C "$ROOT" -j2 BPF=0 BUILD="$B" "$B/libnsinfo.so" "$B/nstrace" "$B/nstree" >"$T_TMP/b.log" 2>&1; then
	pass "make BPF=0: library, nstrace and nstree built ($(( $(date +%s) - start )) s)"
	like "$(cat "$T_TMP/b.log")" "nstools: building without BPF \(BPF=0\)" "... and it says so"
	is "$(nm "$B/libnsinfo.a" 2>/dev/null | grep -c ' U bpf_object__')" 0 "... no libbpf in the library"
	out=$("$B/nstrace" -- touch "$T_TMP/ran" 2>&1); rc=$?
	is "$rc:$out" "3:nstrace: nstools was built without BPF support (make BPF=0)" \
		"nstrace built with BPF=0: one line, exit 3 (trouble)"
	[ -e "$T_TMP/ran" ] && fail "... and the command did not run" || pass "... and the command did not run"
	is "$("$B/nstree" -l -n -r -o NS -t net -p $$ 2>/dev/null)" "$(ns_ino $$ net)" "nstree built with BPF=0 reads /proc"
	out=$("$B/nstree" --source=bpf -l -p $$ 2>&1 >/dev/null); rc=$?
	like "$rc:$out" "^[1-9][0-9]*:nstree: cannot use the BPF source: built without BPF support$" \
		"... --source=bpf: one line and a failure"
else
	fail "make BPF=0: $(tail -5 "$T_TMP/b.log")"
fi

# a plain make (and its install) builds no test program: what it would run
plan=$(make -n -C "$ROOT" BUILD="$T_TMP/fresh" all install DESTDIR="$T_TMP/d" 2>/dev/null)
[ -n "$plan" ] || fail "make -n all install"
is "$(echo "$plan" | grep -c -e 'tests/helpers' -e 'tests/unit' -e 'tests/fuzz')" 0 \
	"a plain make and make install build and install no test program"

# ------------------------------------------------------ bpftool in sbin
printvar() { # printvar VAR [make args]: the value the Makefile gives VAR
	local v=$1
	shift
	printf 'print-var: ; @echo $(%s)\n' "$v" >"$T_TMP/print.mk"
	env PATH=/usr/bin:/bin make -s -C "$ROOT" -f Makefile -f "$T_TMP/print.mk" "$@" print-var 2>/dev/null | tail -1
}
if [ -x /usr/sbin/bpftool ] && ! PATH=/usr/bin:/bin command -v bpftool >/dev/null; then
	is "$(printvar BPFTOOL BUILD="$B")" /usr/sbin/bpftool "bpftool in /usr/sbin is found with /usr/sbin off PATH"
else
	skip "[tool] no /usr/sbin/bpftool (or one on /usr/bin)"
fi

# ------------------------------------------- missing packages, one round
# As a user who cannot install: made-up commands and libraries of the
# build and the tests, each named once, labelled.
NB=$T_TMP/deps
mkdir -p "$NB" && chmod 777 "$NB" && chmod 755 "$T_TMP"
AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" != 0 ]; then AS_USER=""; fi
fake="DEP_CMDS=pkg-config:pkg-config nst-nocmd-$$:fake-cmd-$$ nst-notest-$$:fake-test-$$ \
	DEP_PKGS=smartcols:libsmartcols-dev nst-nopc-$$:fake-lib-$$ \
	TEST_CMD_NAMES=nst-notest-$$"
out=$($AS_USER env PATH=/usr/bin:/bin make -s -C "$ROOT" BUILD="$NB/1" BPF=0 \
	"DEP_CMDS=pkg-config:pkg-config nst-nocmd-$$:fake-cmd-$$ nst-notest-$$:fake-test-$$" \
	"DEP_PKGS=smartcols:libsmartcols-dev nst-nopc-$$:fake-lib-$$" "TEST_CMD_NAMES=nst-notest-$$" deps 2>&1); rc=$?
is "$rc" 2 "make with build packages missing: stops (make's exit 2)"
like "$out" "nstools: missing Debian packages:
  build: fake-cmd-$$ fake-lib-$$
  test:  fake-test-$$
install them with: apt-get install -y fake-cmd-$$ fake-lib-$$ fake-test-$$" \
	"... naming commands and libraries of the build and the tests' commands in one round, labelled"
out=$($AS_USER env PATH=/usr/bin:/bin make -s -C "$ROOT" BUILD="$NB/2" BPF=0 \
	"DEP_CMDS=pkg-config:pkg-config nst-notest-$$:fake-test-$$" \
	"DEP_PKGS=smartcols:libsmartcols-dev" "TEST_CMD_NAMES=nst-notest-$$" deps 2>&1); rc=$?
is "$rc" 0 "only test packages missing: make goes on"
like "$out" "nstools: make check also needs \(test\): fake-test-$$; apt-get install -y fake-test-$$" "... and names them"
out=$($AS_USER env PATH=/usr/bin:/bin make -s -C "$ROOT" BUILD="$NB/3" BPF=0 \
	"DEP_CMDS=pkg-config:pkg-config nst-notest-$$:fake-test-$$" \
	"DEP_PKGS=smartcols:libsmartcols-dev" "TEST_CMD_NAMES=nst-notest-$$" check-deps 2>&1); rc=$?
is "$rc" 2 "make check-deps: the test packages are required"
like "$out" "  test:  fake-test-$$" "... and named"
done_testing

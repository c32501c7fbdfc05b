#!/usr/bin/env bash
# The installed library as a user of it sees it: `make install-files` into
# a DESTDIR puts the header under include/nsinfo/, and a program compiled
# with nothing but `pkg-config --cflags --libs libnsinfo` from that tree
# builds, links against the installed libnsinfo.so and runs. Every public
# function of nsinfo.h is exported by libnsinfo.so with a symbol version
# (NSINFO_x.y) and nothing else is: the header and the exported set are
# the same.
source "$(dirname "$0")/../lib/lib.sh"

root=$T_TMP/root
prefix=/usr
so=$BUILD/libnsinfo.so

if [ ! -e "$so" ]; then
	fail "libnsinfo.so in $BUILD (make builds it)"
	done_testing
	exit
fi
command -v pkg-config >/dev/null || { skip "[tool] pkg-config not installed"; done_testing; exit; }
command -v objdump >/dev/null || { skip "[tool] objdump (binutils) not installed"; done_testing; exit; }

# ---- install into a DESTDIR (copies only: nothing is rebuilt)
make -s -C "$SRCDIR" install-files BUILD="$BUILD" DESTDIR="$root" PREFIX=$prefix \
	>"$T_TMP/install.out" 2>&1
ok $? "make install-files DESTDIR=$root PREFIX=$prefix"
ok $([ -f "$root$prefix/include/nsinfo/nsinfo.h" ]; echo $?) "header installed as include/nsinfo/nsinfo.h"
ok $([ ! -e "$root$prefix/include/nsinfo.h" ]; echo $?) "and not loose in include/"
pc=$root$prefix/lib/pkgconfig/libnsinfo.pc
ok $([ -f "$pc" ]; echo $?) "libnsinfo.pc installed"

export PKG_CONFIG_PATH=$root$prefix/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
cflags=$(pkg-config --cflags libnsinfo 2>"$T_TMP/pc.err")
libs=$(pkg-config --libs libnsinfo 2>>"$T_TMP/pc.err")
like "$cflags" "(^| )-I$root$prefix/include/nsinfo( |\$)" "pkg-config --cflags names the header's own folder"
like "$libs" "-L$root$prefix/lib" "pkg-config --libs names the installed lib folder"

# ---- a program against the installed tree only
cat >"$T_TMP/user.c" <<'C'
#include <nsinfo.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	if (strcmp(nsinfo_type_name(NSINFO_NET), "net"))
		return 1;
	printf("%s %d\n", NSINFO_VERSION, nsinfo_type_from_name("uts"));
	return 0;
}
C
san=()
# the library of a sanitizer build needs its runtime in the program too
if objdump -T "$so" | grep -q '__asan_init'; then
	san=(-fsanitize=address,undefined)
fi
# shellcheck disable=SC2086
(cd "$T_TMP" && cc -std=gnu11 -Wall -Werror "${san[@]}" $cflags -o user user.c $libs) \
	>"$T_TMP/cc.out" 2>&1
rc=$?
ok $rc "cc with pkg-config --cflags --libs libnsinfo builds a program (no -I of the source tree)"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T_TMP/cc.out"
out=$(LD_LIBRARY_PATH=$root$prefix/lib "$T_TMP/user" 2>&1)
version=$(sed -n 's/^#define NSINFO_VERSION "\(.*\)"/\1/p' "$root$prefix/include/nsinfo/nsinfo.h")
is "$out" "$version 7" "it runs against the installed libnsinfo.so"
needed=$(LD_LIBRARY_PATH=$root$prefix/lib ldd "$T_TMP/user" 2>/dev/null | awk '/libnsinfo/ {print $3}')
is "$needed" "$root$prefix/lib/libnsinfo.so.0" "and the installed library is the one loaded"

# ---- every public function exported, versioned; nothing else exported
hdr=$T_TMP/header.txt exp=$T_TMP/exported.txt
grep -oE '\bnsinfo_[a-z0-9_]+[[:space:]]*\(' "$SRCDIR/libnsinfo/include/nsinfo.h" |
	sed -E 's/[[:space:]]*\($//' | sort -u >"$hdr"
objdump -T "$so" | awk '$4 == ".text" && $NF ~ /^nsinfo/ {print $(NF-1), $NF}' >"$T_TMP/dyn.txt"
awk '{print $2}' "$T_TMP/dyn.txt" | sort -u >"$exp"
ok $([ "$(wc -l <"$hdr")" -gt 50 ]; echo $?) "nsinfo.h declares $(wc -l <"$hdr") functions"
missing=$(comm -23 "$hdr" "$exp" | xargs)
is "$missing" "" "every function nsinfo.h declares is exported"
extra=$(comm -13 "$hdr" "$exp" | xargs)
is "$extra" "" "nothing is exported that nsinfo.h does not declare (no nsinfo__ internals)"
unversioned=$(awk '$1 !~ /^NSINFO_[0-9]+\.[0-9]+$/ {print $2}' "$T_TMP/dyn.txt" | xargs)
is "$unversioned" "" "every exported function has a version node NSINFO_x.y"
n01=$(awk '$1 == "NSINFO_0.1"' "$T_TMP/dyn.txt" | wc -l)
ok $([ "$n01" -ge 75 ]; echo $?) "the first release's node holds its $n01 functions"
done_testing

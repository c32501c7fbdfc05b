#!/usr/bin/env bash
# The manual: a man3 page (or a .so link to its group's page) for every
# function libnsinfo exports, generated from nsinfo.h and up to date; dates
# in .TH that date(1) parses; ENVIRONMENT and EXIT STATUS (RETURN VALUE in
# section 3) in every page; every page renders without a warning.
source "$(dirname "$0")/../lib/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M=$ROOT/man

syms=$(nm -D --defined-only "$BUILD/libnsinfo.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
[ -n "$syms" ] || fail "symbols of libnsinfo.so"
missing=""
for s in $syms; do [ -f "$M/man3/$s.3" ] || missing="$missing $s"; done
is "$missing" "" "every exported symbol ($(echo $syms | wc -w)) has a man3 page"
bad=""
for f in "$M"/man3/*.3; do
	t=$(sed -n 's/^\.so man3\/\(.*\)$/\1/p' "$f")
	[ -z "$t" ] || [ -f "$M/man3/$t" ] || bad="$bad ${f##*/}->$t"
done
is "$bad" "" "every .so link names a page that exists"
groups=$(grep -L '^\.so' "$M"/man3/*.3 | wc -l); links=$(grep -l '^\.so' "$M"/man3/*.3 | wc -l)
ok "$([ "$groups" -ge 20 ] && [ "$links" -ge 1 ]; echo $?)" "pages per function or small group: $groups pages, $links links"
gen=$T_TMP/man3
python3 "$M/gen-man3.py" "$ROOT/libnsinfo/include/nsinfo.h" "$gen"
is "$(diff -r "$gen" "$M/man3" 2>&1 | head -5)" "" "man/man3 is what man/gen-man3.py makes of nsinfo.h now"

for f in "$M"/*.[0-9] $(grep -L '^\.so' "$M"/man3/*.3); do
	n=${f#"$M"/}
	d=$(sed -n 's/^\.TH [^ ]* [0-9] "\([^"]*\)".*/\1/p' "$f")
	if [[ $d =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] && date -d "$d" >/dev/null 2>&1; then :; else bad_date="$bad_date $n($d)"; fi
	case $f in
	*.3) grep -q '^\.SH RETURN VALUE' "$f" || no_sec="$no_sec $n:RETURN-VALUE";;
	*) grep -q '^\.SH EXIT STATUS' "$f" || no_sec="$no_sec $n:EXIT-STATUS";;
	esac
	case $f in */man3/*) ;; *) grep -q '^\.SH ENVIRONMENT' "$f" || no_sec="$no_sec $n:ENVIRONMENT";; esac
	w=$(cd "$M" && MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	[ -z "$w" ] || warned="$warned $n: $(echo "$w" | head -1);"
done
is "${bad_date:-}" "" "every .TH date is YYYY-MM-DD and parses"
is "${no_sec:-}" "" "ENVIRONMENT and EXIT STATUS (RETURN VALUE in man3) in every page"
is "${warned:-}" "" "every page renders without a warning"
# an installed .so link resolves
D=$T_TMP/dest
if make -s -C "$ROOT" BUILD="$BUILD" install DESTDIR="$D" PREFIX=/usr >"$T_TMP/inst.log" 2>&1; then
	like "$(MANPATH="$D/usr/share/man" MANWIDTH=80 man nsinfo_snapshot_unref 2>&1 | head -5)" "NSINFO_SNAPSHOT_NEW" \
		"make install: man nsinfo_snapshot_unref shows its group's page"
	is "$(ls "$D/usr/share/man/man3" | wc -l)" "$(( $(ls "$M"/man3 | wc -l) + 1 ))" "... every man3 page installed, with libnsinfo(3)"
else
	fail "make install DESTDIR=: $(tail -3 "$T_TMP/inst.log")"
fi
done_testing

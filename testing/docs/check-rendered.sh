#!/bin/sh
# conf/skip.conf and man/strongswan-skip.5 must be what scripts/render-opt.py
# makes of conf/skip.opt (and man/strongswan-skip.5.in): the option reference
# is the single source, the rendered files are kept in git so that a build
# needs no Python. Regenerate them with
#   scripts/render-opt.py conf conf/skip.opt > conf/skip.conf
#   scripts/render-opt.py man conf/skip.opt man/strongswan-skip.5.in > man/strongswan-skip.5
top=${srcdir:-.}
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: no python3"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
status=0
python3 "$top/scripts/render-opt.py" conf "$top/conf/skip.opt" > "$tmp/skip.conf" || exit 99
python3 "$top/scripts/render-opt.py" man "$top/conf/skip.opt" \
	"$top/man/strongswan-skip.5.in" > "$tmp/strongswan-skip.5" || exit 99
for f in conf/skip.conf man/strongswan-skip.5; do
	if ! diff -u "$top/$f" "$tmp/${f#*/}"; then
		echo "FAIL: $f is out of date with conf/skip.opt (regenerate it with scripts/render-opt.py)"
		status=1
	fi
done
exit $status

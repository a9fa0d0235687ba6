#!/bin/sh
# the man pages must format without warnings (groff -ww, and mandoc -T lint
# where it is installed)
top=${srcdir:-.}
if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: no groff"
	exit 77
fi
status=0
for page in "$top"/man/*.[58]; do
	out=$(LC_ALL=C.UTF-8 groff -ww -mandoc -z "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL: groff warns about $page:"
		echo "$out"
		status=1
	fi
	if command -v mandoc >/dev/null 2>&1; then
		# STYLE messages are matters of taste; warnings and errors are not
		out=$(mandoc -T lint -W warning "$page" 2>&1)
		if [ -n "$out" ]; then
			echo "FAIL: mandoc warns about $page:"
			echo "$out"
			status=1
		fi
	fi
done
exit $status

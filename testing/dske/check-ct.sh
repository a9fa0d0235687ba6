#!/bin/sh
# libdske's secret-handling code under valgrind memcheck with its secrets
# marked undefined (testing/dske/dske_ct.c): a branch or memory address that
# depends on a secret is a report, and a report fails. Skipped (77) without
# valgrind and for sanitizer builds, which valgrind cannot run.
prog=testing/dske/dske_ct
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not installed"
	exit 77
fi
if nm "$prog" 2>/dev/null | grep -q __asan_init; then
	echo "sanitizer build: not under valgrind"
	exit 77
fi
exec valgrind -q --error-exitcode=1 "$prog"

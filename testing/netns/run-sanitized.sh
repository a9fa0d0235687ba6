#!/usr/bin/env bash
# usage: testing/netns/run-sanitized.sh TARGET [SCENARIO...]
#
# The end-to-end scenarios with our code built with AddressSanitizer and
# UndefinedBehaviorSanitizer: the instrumented plugin is loaded into the
# target's charon (with the sanitizer runtime preloaded), the instrumented
# KPs serve it. Any sanitizer report fails the scenario. The regular plugin
# is installed again afterwards.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"
need_root

target=${1:?usage: run-sanitized.sh TARGET [SCENARIO...]}; shift
SKIP_SANITIZE=1 "$SKIP_TOP/scripts/build.sh" "$target" || exit 1
target_env "$target"
restore() {
	make -C "$SKIP_TOP/build/$target" -s install-pluginLTLIBRARIES > /dev/null
}
trap restore EXIT
make -C "$SKIP_TOP/build/$target-asan" -s install-pluginLTLIBRARIES > /dev/null ||
	die "installing the instrumented plugin failed"
SKIP_SANITIZE=1 "$here/run.sh" "$target" "$@"

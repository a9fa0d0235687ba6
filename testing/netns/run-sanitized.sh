#!/usr/bin/env bash
# usage: testing/netns/run-sanitized.sh TARGET [SCENARIO...]
#
# The end-to-end scenarios with our code built with AddressSanitizer and
# UndefinedBehaviorSanitizer: the instrumented plugin is loaded into the
# target's charon (with the sanitizer runtime preloaded; lib.sh mounts the
# plugin of the build under test over the installed one), the instrumented
# KPs serve it. Any sanitizer report fails the scenario.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"
need_root

target=${1:?usage: run-sanitized.sh TARGET [SCENARIO...]}; shift
SKIP_SANITIZE=1 "$SKIP_TOP/scripts/build.sh" "$target" || exit 1
SKIP_SANITIZE=1 "$here/run.sh" "$target" "$@"

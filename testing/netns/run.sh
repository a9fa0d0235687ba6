#!/usr/bin/env bash
# usage: testing/netns/run.sh TARGET [SCENARIO...]
#
# Runs the end-to-end scenarios (all of scenarios.sh by default) against one
# strongSwan target (debian12 or sid) whose plugin and KP were built into
# build/TARGET and installed (scripts/build.sh TARGET). Logs of each scenario
# are kept in testing/netns/out/TARGET/SCENARIO/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"
need_root

target=${1:?usage: run.sh TARGET [SCENARIO...]}; shift
target_env "$target"
SKIP_BUILD=$SKIP_TOP/build/$target
[ -x "$SKIP_BUILD/testing/kp/skip-kp" ] || die "build $target first: scripts/build.sh $target"

. "$here/scenarios.sh"
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
	mapfile -t scenarios < <(declare -F | sed -n 's/^declare -f scenario_//p')
fi

passed=0 failed=0
for name in "${scenarios[@]}"; do
	declare -F "scenario_$name" >/dev/null || die "no scenario '$name'"
	OUT=$here/out/$target/$name
	rm -rf "$OUT"
	mkdir -p "$OUT"
	start=$(now_ms)
	(
		. "$here/lib.sh"
		trap testbed_down EXIT
		set -e
		"scenario_$name"
	) > "$OUT/scenario.log" 2>&1
	status=$?
	ms=$(( $(now_ms) - start ))
	secs=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
	if [ $status -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS  %-8s %-28s %5ss  %s\n' "$target" "$name" "$secs" \
			"$(tail -n 1 "$OUT/scenario.log")"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-8s %-28s %5ss  %s\n' "$target" "$name" "$secs" \
			"$(grep -m1 '^FAIL:' "$OUT/scenario.log" || tail -n 1 "$OUT/scenario.log")"
		echo "      logs: $OUT" >&2
	fi
done
echo "$target: $passed passed, $failed failed"
[ $failed -eq 0 ]

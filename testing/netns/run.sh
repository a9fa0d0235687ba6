#!/usr/bin/env bash
# usage: testing/netns/run.sh TARGET [SCENARIO...]
#        testing/netns/run.sh --list
#
# Runs the end-to-end scenarios (all of scenarios*.sh by default) against one
# strongSwan target (debian12 or sid) whose plugin and KP were built into
# build/TARGET and installed (scripts/build.sh TARGET). Logs of each scenario
# are kept in testing/netns/out/TARGET/SCENARIO/.
# SKIP_INSTALLED=1: test the installed plugin and /usr/sbin/skip-kp instead
# of build/TARGET (logs in testing/netns/out/TARGET-installed/SCENARIO/).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"

if [ "${1:-}" = --list ]; then
	# each scenario with the comment above its function
	awk '/^# / { text = text substr($0, 3) " "; next }
		/^scenario_[a-z0-9_]*\(\)/ { sub(/\(\).*/, ""); sub(/^scenario_/, "");
			printf "%-34s %s\n", $0, text }
		{ text = "" }' "$here"/scenarios*.sh
	exit 0
fi
need_root

target=${1:?usage: run.sh TARGET [SCENARIO...]}; shift
target_env "$target"
SKIP_BUILD=$SKIP_TOP/build/$target
mode=""
if [ "${SKIP_SANITIZE:-0}" = 1 ]; then
	# instrumented KP; charon loads the instrumented plugin
	# (testing/netns/run-sanitized.sh installs it)
	SKIP_BUILD=$SKIP_TOP/build/$target-asan
	mode=" (ASan+UBSan)"
elif [ "${SKIP_VALGRIND:-0}" = 1 ]; then
	mode=" (valgrind)"
fi
if [ "${SKIP_INSTALLED:-0}" = 1 ]; then
	# the installed plugin and /usr/sbin/skip-kp (e.g. the Debian packages)
	mode="$mode (installed)"
	[ -x /usr/sbin/skip-kp ] && [ -f "$SW_PLUGINDIR/libstrongswan-skip.so" ] ||
		die "SKIP_INSTALLED=1: no /usr/sbin/skip-kp or $SW_PLUGINDIR/libstrongswan-skip.so"
else
	[ -x "$SKIP_BUILD/testing/kp/skip-kp" ] || die "build $target first: scripts/build.sh $target"
fi

for file in "$here"/scenarios*.sh; do
	. "$file"
done
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
	mapfile -t scenarios < <(declare -F | sed -n 's/^declare -f scenario_//p')
fi

# reports of sanitizers or valgrind left by a scenario are failures
check_instrumentation() {
	local out=$1 report
	for report in $(find "$out" -name '*sanitizer.*' -o -name valgrind.log); do
		if [ "${report##*/}" = valgrind.log ]; then
			grep -q "ERROR SUMMARY: 0 errors" "$report" && continue
		else
			grep -Eq "ERROR: |runtime error|SUMMARY: " "$report" || continue
		fi
		echo "FAIL: instrumentation report $report"
		return 1
	done
	return 0
}

passed=0 failed=0
for name in "${scenarios[@]}"; do
	declare -F "scenario_$name" >/dev/null || die "no scenario '$name'"
	OUT=$here/out/$target${mode:+-${mode//[^a-z]/}}/$name
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
	if [ $status -eq 0 ] && ! check_instrumentation "$OUT" >> "$OUT/scenario.log"; then
		status=1
	fi
	ms=$(( $(now_ms) - start ))
	secs=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
	if [ $status -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS  %-8s %-32s %5ss  %s\n' "$target" "$name" "$secs" \
			"$(tail -n 1 "$OUT/scenario.log")"
	else
		failed=$((failed + 1))
		printf 'FAIL  %-8s %-32s %5ss  %s\n' "$target" "$name" "$secs" \
			"$(grep -m1 '^FAIL:' "$OUT/scenario.log" || tail -n 1 "$OUT/scenario.log")"
		echo "      logs: $OUT" >&2
	fi
done
echo "$target$mode: $passed passed, $failed failed"
[ $failed -eq 0 ]

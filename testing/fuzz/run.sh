#!/usr/bin/env bash
# usage: testing/fuzz/run.sh [SECONDS] [TARGET...]   (TARGET: etsi_json or fuzz_etsi_json)
#
# Runs each fuzz target (all by default) for SECONDS (default 10) from its
# seed corpus (testing/fuzz/corpus/TARGET, the SKIP draft's examples) and
# what earlier runs found (build/fuzz/corpus/TARGET), then prints the
# executions per target. Fails if a target finds a crash, a leak, a sanitizer
# report or a broken invariant; the input is kept in build/fuzz/findings.
#
# The test command runs it briefly; a longer run, e.g. ten minutes a target:
#   testing/fuzz/run.sh 600
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/fuzz
secs=${1:-10}
shift || true

"$here/build.sh" "$out" > "$out.build.log" 2>&1 || {
	tail -n 30 "$out.build.log"
	echo "building the fuzz targets failed" >&2
	exit 1
}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	mapfile -t targets < <(cd "$here/corpus" && ls)
fi

failed=0
for t in "${targets[@]}"; do
	t=${t#fuzz_}
	corpus=$out/corpus/$t
	findings=$out/findings/$t
	mkdir -p "$corpus" "$findings"
	"$out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -max_len=70000 \
		-artifact_prefix="$findings/" "$corpus" "$here/corpus/$t" \
		> "$out/$t.log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	corpus_size=$(ls "$corpus" | wc -l)
	if [ $status -eq 0 ]; then
		printf 'PASS  fuzz_%-14s %10s executions in %ss, corpus %s\n' "$t" \
			"${execs:-?}" "$secs" "$corpus_size"
	else
		failed=$((failed + 1))
		printf 'FAIL  fuzz_%-14s see %s and %s\n' "$t" "$out/$t.log" "$findings"
		grep -m3 -E "ERROR|SUMMARY|runtime error" "$out/$t.log" | sed 's/^/      /'
	fi
done
[ $failed -eq 0 ]

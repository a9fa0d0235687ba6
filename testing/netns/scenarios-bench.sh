# The plugin benchmark (scripts/bench-plugin.sh, sourced by run.sh) at a tiny
# size, so that it cannot rot: it is no test of speed.

# scripts/bench-plugin.sh with 4 IKE_SAs per mode, 2 in flight and 8 at once:
# every IKE_SA comes up and the table has the plugin's own figures; then once
# with -p seq -D -K -P
scenario_bench_plugin_smoke() {
	local table
	SKIP_BUILD=$SKIP_BUILD "$here_netns/../../scripts/bench-plugin.sh" \
		"$SW_TARGET" -n 4 -k 2 -m 8 -r 2 -o "$OUT/bench" > "$OUT/bench.out" 2>&1 ||
		fail "bench-plugin.sh failed: $(tail -n 3 "$OUT/bench.out")"
	table=$(cat "$OUT/bench.out")
	has "$table" "IKE_SAs that did not come up: 0$" ||
		fail "IKE_SAs did not come up: $(grep -m1 'did not come up' "$OUT/bench.out")"
	# the KP calls of each direction, timed in the plugin
	[ "$(grep -Ec 'KP call p50/p99, [ab] \(us\) +- +- +[0-9]+/[0-9]+ ' \
		"$OUT/bench.out")" = 12 ] || fail "KP call durations missing from the table"
	has "$table" "plugin state per live SA, a \(B\) +0 +0 +[1-9][0-9]* " ||
		fail "the initiator's plugin state per SA missing from the table"
	# the options that show what bounds the gap: one part, durable KPs with
	# a key pool, prefetch
	SKIP_BUILD=$SKIP_BUILD "$here_netns/../../scripts/bench-plugin.sh" \
		"$SW_TARGET" -n 4 -r 2 -p seq -D -K '--key-pool 4' -P 60s \
		-o "$OUT/bench-options" > "$OUT/bench-options.out" 2>&1 ||
		fail "bench-plugin.sh -p -D -K -P failed: $(tail -n 3 "$OUT/bench-options.out")"
	table=$(cat "$OUT/bench-options.out")
	has "$table" "KPs: durable \(--state-dir\), options --key-pool 4; prefetch: 60s" ||
		fail "bench-plugin.sh does not say how the KPs ran"
	[ "$(grep -c 'IKE_SAs/s' "$OUT/bench-options.out")" = 4 ] ||
		fail "bench-plugin.sh -p seq measured other parts"
	ls "$OUT/bench-options/kp-a.state/keys.journal" > /dev/null 2>&1 ||
		fail "the KPs of -D kept no journal"
	echo "bench-plugin.sh: $(grep -c 'IKE_SAs/s' "$OUT/bench.out") parts, every IKE_SA up; options -p -D -K -P work"
}

#!/usr/bin/env bash
# usage: scripts/bench-plugin.sh TARGET [-n N] [-k K] [-m M] [-r ROUNDS]
#                                [-p PARTS] [-K KP-OPTIONS] [-D] [-P TIME] [-o DIR]
#
# What a dynamic PPK costs next to a static one and to none, on the
# network-namespace test bed (testing/netns/lib.sh) with TARGET's charon
# (debian12 or sid), both KPs on the same machine. Three connections side by
# side, with no PPK, a static PPK and a required dynamic PPK; IKE_SAs are
# started through vici by testing/netns/vici-bench (swanctl --initiate would
# have charon stream each IKE_SA's log lines, which costs more than the
# IKE_SA), with reuse_ikesa = no and unique = never, with a CHILD_SA and
# childless:
#
#   one after another   N IKE_SAs per mode (default 200)
#   K in flight         N IKE_SAs per mode, K at a time (default 50)
#   M at once           M IKE_SAs per mode started together (default 1000)
#                       and kept up, in freshly started charons
#
# The first two run in ROUNDS rounds (default 10; fewer for K in flight, so a
# round holds at least 2 K), the modes in a different order each round, so
# that the machine's noise hits them alike; the IKE_SAs of a round are
# deleted after it, outside what is measured. Each charon is started anew for
# each part and warmed up as the part runs (K in flight, or as many at once as
# charon has threads), so that the plugin's pool of KP connections, empty in a
# fresh charon, holds as many as the part uses. Per mode it prints IKE_SAs/s, the p50/p99 setup time (M at once:
# from the first initiate), the CPU time of each side's charon per IKE_SA
# (utime + stime of /proc/PID/stat around each round, in clock ticks), the
# plugin's KP calls (p50/p99 in us, measured in the plugin: the difference of
# its status socket's histograms before and after the measured IKE_SAs) and, M at once, each charon's resident memory and the
# plugin's state per live IKE_SA; then the ratios dynamic/static and
# dynamic/none.
#
# Options that change what is measured (none by default):
#   -p PARTS        only these parts of seq, k and m (e.g. -p seq,k; default all)
#   -K KP-OPTIONS   more skip-kp options for both KPs, e.g. -K '--key-pool 256'
#   -D              durable KPs, each with a --state-dir of its own (by
#                   default they keep keys in memory only): a KP then syncs
#                   its journal to disk before answering (a key handed out,
#                   a key of the peer)
#   -P TIME         the dynamic mode's KP profile prefetches (prefetch = TIME,
#                   e.g. 60s): the initiator takes a key fetched in advance
# With -K or -D the KPs' CPU per IKE_SA is worth a look too: it is printed
# for every run.
#
# The responders run without DoS protection (50 IKE_SAs in flight from one
# address would meet the per-IP half-open limit), both charons with an IKE_SA
# table of 1024 rows and enough threads for K waiting initiates.
# Build the target first (scripts/build.sh TARGET). Logs and the raw figures
# stay in DIR (default testing/netns/out/TARGET/bench-plugin). Exit status 0
# if every IKE_SA came up.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_root

usage() {
	echo "usage: $0 TARGET [-n N] [-k K] [-m M] [-r ROUNDS] [-p PARTS]" \
		"[-K KP-OPTIONS] [-D] [-P TIME] [-o DIR]" >&2
	exit 2
}
target=${1:-}
[ -n "$target" ] || usage
shift
N=200 K=50 M=1000 ROUNDS=10 dir="" PARTS="seq k m" KP_OPTIONS="" DURABLE=0
PREFETCH=""
while getopts "n:k:m:r:p:K:DP:o:" opt; do
	case $opt in
		n) N=$OPTARG ;;
		k) K=$OPTARG ;;
		m) M=$OPTARG ;;
		r) ROUNDS=$OPTARG ;;
		p) PARTS=${OPTARG//,/ } ;;
		K) KP_OPTIONS=$OPTARG ;;
		D) DURABLE=1 ;;
		P) PREFETCH=$OPTARG ;;
		o) dir=$OPTARG ;;
		*) usage ;;
	esac
done
for v in "$N" "$K" "$M" "$ROUNDS"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || usage
done
for v in $PARTS; do
	[[ $v =~ ^(seq|k|m)$ ]] || usage
done
[ -z "$PREFETCH" ] || [[ $PREFETCH =~ ^[1-9][0-9]*[smh]?$ ]] || usage
target_env "$target"
SKIP_BUILD=${SKIP_BUILD:-$SKIP_TOP/build/$target}
VICI_BENCH=$SKIP_BUILD/testing/netns/vici-bench
[ -x "$VICI_BENCH" ] && [ -x "$SKIP_BUILD/testing/kp/skip-kp" ] ||
	die "build $target first: scripts/build.sh $target"
OUT=${dir:-$SKIP_TOP/testing/netns/out/$target/bench-plugin}
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

. "$SKIP_TOP/testing/netns/lib.sh"
trap testbed_down EXIT
trap "exit 1" TERM INT

MODES="none static dynamic"
# connection index of each mode: identities gw-a-I.test, gw-b-I.test that
# lib.sh's secrets know
declare -A INDEX=([none]=5 [static]=6 [dynamic]=7)
declare -A PPK=([none]=none [static]=static-1 [dynamic]=%any)

# the three connections of side $s
bench_conns() {
	local mode
	for mode in $MODES; do
		PPK_ID_a=${PPK[$mode]} PPK_ID_b=${PPK[$mode]} \
			connection "bench-$mode" "${INDEX[$mode]}"
	done
}

threads=$(( K + 32 ))
tuning="ikesa_table_size = 1024
		ikesa_table_segments = 16
		threads = $threads"
CHARON_OPTIONS_a="reuse_ikesa = no
		$tuning"
CHARON_OPTIONS_b="dos_protection = no
		$tuning"
UNIQUE_a=never
UNIQUE_b=never
# the plugin's own lines only: charon's log would dominate what is measured
LOG_LEVEL_a=1
LOG_LEVEL_b=1
for s in a b; do
	eval "EXTRA_CONNS_$s=\$(s=$s bench_conns)"
	# only the dynamic mode asks the KP
	if [ -n "$PREFETCH" ]; then
		eval "KP_PROFILES_$s=\$(s=$s kp_profile local $KP_PORT 'prefetch = $PREFETCH')"
	fi
done

# charons_fresh: both charons started anew (empty plugin statistics)
charons_fresh() {
	# both shut down at once
	kill ${PIDS[charon-a]:-} ${PIDS[charon-b]:-} 2>/dev/null || true
	charon_stop a
	charon_stop b
	for s in a b; do
		rm -f "$OUT/$s/charon.log"
	done
	charons_up
}

# cpu_ticks SIDE [PROCESS]: the CPU time of a side's charon (or kp) so far
# (clock ticks, all threads)
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/${PIDS[${2:-charon}-$1]}/stat"
}

# resident memory of a side's charon (kB)
rss_kb() {
	awk '/^VmRSS/ { print $2 }' "/proc/${PIDS[charon-$1]}/status"
}

# IKE retransmissions of both charons so far (a lost message costs seconds:
# they explain outliers)
retransmits() {
	echo $(( $(log_count a "retransmit [0-9]+ of") + $(log_count b "retransmit [0-9]+ of") ))
}

# vici_bench [vici-bench options]: on a's vici socket (an instrumented build's
# vici-bench would report libstrongswan's allocations at exit as leaks)
vici_bench() {
	ASAN_OPTIONS=detect_leaks=0 "$VICI_BENCH" -s "unix://$OUT/a/charon.vici" "$@"
}

# terminate MODE: delete the IKE_SAs of a mode, waiting for each
terminate() {
	vici_bench -T "bench-$1" -t 60 >> "$OUT/terminate.log" 2>&1 ||
		echo "terminating bench-$1 failed" >> "$OUT/errors.log"
}

# warm_up CHILD IN-FLIGHT: IKE_SAs of each mode as the part runs them, not
# measured: IN-FLIGHT at a time ("all" at once), so that the plugin's pool
# holds as many warm TLS connections to its KP as the part will use (a fresh
# charon's pool is empty and grows to the number of concurrent KP calls), and
# the allocators' pools are filled
warm_up() {
	local mode how n
	case $2 in
		1) how=(-n 2) ;;
		all)
			# charon's threads bound how many KP calls run at once
			n=$(( M < threads ? M : threads ))
			how=(-n "$n" -a -t $(( 30 + n / 10 ))) ;;
		*) how=(-n "$2" -k "$2") ;;
	esac
	for mode in $MODES; do
		vici_bench -i "bench-$mode" $1 "${how[@]}" >> "$OUT/warm-up.log" 2>&1 ||
			echo "warm-up of bench-$mode failed" >> "$OUT/errors.log"
		terminate "$mode"
	done
}

# the plugin's status of a side as JSON
status_json() {
	skip_status "$1" --json 2>/dev/null || echo '{}'
}

# figure PART MODE NAME VALUE: keep a figure
declare -A FIG
figure() {
	FIG[$1,$2,$3]=$4
}

# add PART MODE NAME VALUE: add to a figure
add() {
	FIG[$1,$2,$3]=$(( ${FIG[$1,$2,$3]:-0} + $4 ))
}

# kp_role SIDE: the role of a side's KP calls in kp_calls
kp_role() {
	if [ "$1" = a ]; then echo initiator; else echo responder; fi
}

# kp_before PART: both plugins' KP call histograms before the part's
# measured IKE_SAs (the warm-up's calls are among them)
kp_before() {
	local s
	for s in a b; do
		status_json "$s" > "$OUT/$1-status-$s-before.json"
	done
}

# the KP calls of the dynamic mode since kp_before, from both plugins'
# statistics: p50/p99 of the difference of the histograms' buckets
# ([upper bound in us, count]), so only the measured IKE_SAs' calls count
kp_figures() {
	local part=$1 s
	for s in a b; do
		status_json "$s" > "$OUT/$part-status-$s.json"
		figure "$part" dynamic "kp_$s" "$(jq -rn --arg r "$(kp_role "$s")" \
			--slurpfile before "$OUT/$part-status-$s-before.json" \
			--slurpfile after "$OUT/$part-status-$s.json" '
			def buckets($doc): $doc[0].kp_calls[$r].buckets // []
				| map({ key: (.[0] | tostring), value: .[1] }) | from_entries;
			buckets($before) as $b
			| [buckets($after) | to_entries[]
				| [(.key | tonumber), .value - ($b[.key] // 0)]
				| select(.[1] > 0)] | sort_by(.[0]) as $d
			| ($d | map(.[1]) | add // 0) as $n
			# the upper bound of the bucket holding the rank, as the plugin
			# computes p50_us/p99_us
			| def pct($p): (($n * $p + 99) / 100 | floor) as $rank
				| first(foreach $d[] as $x (0; . + $x[1];
					if . >= $rank then $x[0] else empty end));
			if $n == 0 then "-/-" else "\(pct(50))/\(pct(99))" end')"
	done
}

# rounds PART CHILD IN-FLIGHT: N IKE_SAs per mode, IN-FLIGHT at a time, in
# rounds that alternate the modes' order
rounds() {
	local part=$1 child=$2 k=$3 r n rounds order mode c0a c0b re out
	rounds=$ROUNDS
	if [ "$k" -gt 1 ]; then
		rounds=$(( N / (2 * k) ))
		[ "$rounds" -ge 1 ] || rounds=1
		[ "$rounds" -le "$ROUNDS" ] || rounds=$ROUNDS
	fi
	[ "$rounds" -le "$N" ] || rounds=$N
	charons_fresh
	warm_up "$child" "$k"
	kp_before "$part"
	order=($MODES)
	for r in $(seq "$rounds"); do
		# this round's share of N
		n=$(( N * r / rounds - N * (r - 1) / rounds ))
		for mode in "${order[@]}"; do
			c0a=$(cpu_ticks a) c0b=$(cpu_ticks b) re=$(retransmits)
			k0a=$(cpu_ticks a kp) k0b=$(cpu_ticks b kp)
			out=$(vici_bench -i "bench-$mode" $child -n "$n" -k "$k" \
				-o "$OUT/$part-$mode.times" 2>> "$OUT/errors.log")
			add "$part" "$mode" cpu_a $(( $(cpu_ticks a) - c0a ))
			add "$part" "$mode" cpu_b $(( $(cpu_ticks b) - c0b ))
			add "$part" "$mode" kp_cpu_a $(( $(cpu_ticks a kp) - k0a ))
			add "$part" "$mode" kp_cpu_b $(( $(cpu_ticks b kp) - k0b ))
			add "$part" "$mode" retransmits $(( $(retransmits) - re ))
			read -r _ started _ failed _ wall <<< "$out"
			add "$part" "$mode" started "${started:-0}"
			add "$part" "$mode" failed "${failed:-$n}"
			add "$part" "$mode" wall_us "${wall:-0}"
			echo "${started:-0} ${wall:-0}" >> "$OUT/$part-$mode.rounds"
			terminate "$mode"
		done
		# the next round starts with the next mode
		order=("${order[@]:1}" "${order[0]}")
	done
	kp_figures "$part"
}

# at_once PART CHILD: M IKE_SAs per mode at once, each mode in fresh charons
at_once() {
	local part=$1 child=$2 mode c0a c0b r0a r0b re out s
	for mode in $MODES; do
		charons_fresh
		warm_up "$child" all
		[ "$mode" != dynamic ] || kp_before "$part"
		c0a=$(cpu_ticks a) c0b=$(cpu_ticks b) re=$(retransmits)
		k0a=$(cpu_ticks a kp) k0b=$(cpu_ticks b kp)
		r0a=$(rss_kb a) r0b=$(rss_kb b)
		# a failed IKE_SA sends no event: give up after a while
		out=$(vici_bench -i "bench-$mode" $child -n "$M" -a -t $(( 30 + M / 10 )) \
			-o "$OUT/$part-$mode.times" 2>> "$OUT/errors.log")
		add "$part" "$mode" cpu_a $(( $(cpu_ticks a) - c0a ))
		# the responder answered the last IKE_AUTH when a saw it: little
		# of its work may still be under way
		sleep 0.2
		add "$part" "$mode" cpu_b $(( $(cpu_ticks b) - c0b ))
		add "$part" "$mode" kp_cpu_a $(( $(cpu_ticks a kp) - k0a ))
		add "$part" "$mode" kp_cpu_b $(( $(cpu_ticks b kp) - k0b ))
		add "$part" "$mode" retransmits $(( $(retransmits) - re ))
		read -r _ started _ failed _ wall <<< "$out"
		add "$part" "$mode" started "${started:-0}"
		add "$part" "$mode" failed "${failed:-$M}"
		# M at once: the rate is M over the time until the last came up
		add "$part" "$mode" wall_us "$(sort -n "$OUT/$part-$mode.times" 2>/dev/null |
			tail -n 1 | grep . || echo 0)"
		figure "$part" "$mode" rss_a $(( $(rss_kb a) - r0a ))
		figure "$part" "$mode" rss_b $(( $(rss_kb b) - r0b ))
		for s in a b; do
			status_json "$s" > "$OUT/$part-$mode-status-$s.json"
			figure "$part" "$mode" plugin_$s "$(jq -r \
				'.memory // {} | "\(.sa_states // 0) \(.sa_bytes // 0)"' \
				"$OUT/$part-$mode-status-$s.json")"
		done
		if [ "$mode" = dynamic ]; then
			kp_figures "$part"
		fi
	done
}

# --- the run ------------------------------------------------------------------

start=$(now_ms)
netns_up
make_credentials
# there before the KPs write to them: kp_start polls them
: > "$OUT/kp-a.log"
: > "$OUT/kp-b.log"
for s in a b; do
	state=()
	if [ "$DURABLE" = 1 ]; then
		mkdir -m 0700 "$OUT/kp-$s.state"
		state=(--state-dir "$OUT/kp-$s.state")
	fi
	# shellcheck disable=SC2086 # KP_OPTIONS: options split into words
	kp_start "$s" "${state[@]}" $KP_OPTIONS
done
# has PART: whether PART (seq, k, m) is to be measured
has() {
	[[ " $PARTS " == *" $1 "* ]]
}
for child in "-c net" ""; do
	c=child
	[ -n "$child" ] || c=childless
	! has seq || rounds "$c-seq" "$child" 1
	! has k || rounds "$c-k" "$child" "$K"
	! has m || at_once "$c-m" "$child"
done
secs=$(( ($(now_ms) - start) / 1000 ))

# --- the table ----------------------------------------------------------------

hz=$(getconf CLK_TCK)

# percentile FILE P: the P-th percentile of the setup times in FILE (ms)
percentile() {
	sort -n "$1" 2>/dev/null | awk -v p="$2" '{ v[NR] = $1 }
		END { if (!NR) { print "-"; exit }
			  r = int((NR * p + 99) / 100); if (r < 1) r = 1
			  printf "%.1f", v[r] / 1000 }'
}

# value PART MODE NAME: a figure for the table
value() {
	local part=$1 mode=$2 name=$3 started wall
	started=${FIG[$part,$mode,started]:-0}
	case $name in
		rate)
			wall=${FIG[$part,$mode,wall_us]:-0}
			awk -v n="$started" -v w="$wall" \
				'BEGIN { if (w > 0) printf "%.1f", n * 1e6 / w; else print "-" }' ;;
		rate_median)
			# a stall of the machine in one round does not move it
			awk '$2 > 0 { print $1 * 1e6 / $2 }' "$OUT/$part-$mode.rounds" 2>/dev/null |
				sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"
					else printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' ;;
		p50|p99)
			percentile "$OUT/$part-$mode.times" "${name#p}" ;;
		cpu_a|cpu_b|kp_cpu_a|kp_cpu_b)
			awk -v t="${FIG[$part,$mode,$name]:-0}" -v n="$started" -v hz="$hz" \
				'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "-" }' ;;
		rss_a|rss_b)
			awk -v kb="${FIG[$part,$mode,$name]:-0}" -v n="$started" \
				'BEGIN { if (n > 0) printf "%.0f", kb * 1024 / n; else print "-" }' ;;
		plugin_a|plugin_b)
			# bytes the plugin's states hold per live IKE_SA
			awk -v n="$started" -v f="${FIG[$part,$mode,$name]:-0 0}" \
				'BEGIN { split(f, a, " "); if (n > 0) printf "%.0f", a[2] / n; else print "-" }' ;;
		kp_a|kp_b)
			echo "${FIG[$part,$mode,$name]:--}" ;;
		retransmits)
			echo "${FIG[$part,$mode,retransmits]:-0}" ;;
	esac
}

# ratio A B: A/B, "-" if either is not a positive number
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b
		else print "-" }'
}

row() {
	local part=$1 name=$2 label=$3 none static dynamic
	none=$(value "$part" none "$name")
	static=$(value "$part" static "$name")
	dynamic=$(value "$part" dynamic "$name")
	printf '  %-34s %10s %10s %12s %9s %9s\n' "$label" "$none" "$static" \
		"$dynamic" "$(ratio "$dynamic" "$static")" "$(ratio "$dynamic" "$none")"
}

failures=0
for part in $(for c in child childless; do for p in $PARTS; do echo "$c-$p"; done; done); do
	for mode in $MODES; do
		failures=$(( failures + ${FIG[$part,$mode,failed]:-0} ))
	done
done

cat <<EOF
plugin benchmark on $target (strongSwan $SW_VERSION), $(date -u '+%F %H:%M UTC'), $secs s
  N=$N one after another and $K in flight, M=$M at once; rounds alternate the
  modes; reuse_ikesa = no, unique = never; CPU in clock ticks of 1/$hz s
  (one tick is $(awk -v n="$N" -v hz="$hz" 'BEGIN { printf "%.3f", 1000 / hz / n }') ms per IKE_SA of N);
  KP calls measured in the plugin (a: new key, initiator; b: key by keyId,
  responder); memory: charon's RSS and the plugin's state per live IKE_SA
  KPs: $([ "$DURABLE" = 1 ] && echo "durable (--state-dir)" || echo "keys in memory only")${KP_OPTIONS:+, options $KP_OPTIONS}; prefetch: ${PREFETCH:-off}
  IKE_SAs that did not come up: $failures
EOF
printf '\n  %-34s %10s %10s %12s %9s %9s\n' "" none static dynamic dyn/stat dyn/none
for c in child childless; do
	what="with CHILD_SA"
	[ "$c" = childless ] && what=childless
	for p in $PARTS; do
		part=$c-$p
		case $part in
			*-seq) echo "$what, $N one after another" ;;
			*-k) echo "$what, $N with $K in flight" ;;
			*-m) echo "$what, $M at once (setup time from the first initiate)" ;;
		esac
		row "$part" rate "IKE_SAs/s"
		if [ "${part##*-}" != m ]; then
			row "$part" rate_median "IKE_SAs/s, median of rounds"
		fi
		row "$part" p50 "setup p50 (ms)"
		row "$part" p99 "setup p99 (ms)"
		row "$part" cpu_a "charon CPU per SA, a (ms)"
		row "$part" cpu_b "charon CPU per SA, b (ms)"
		row "$part" kp_cpu_a "KP CPU per SA, a (ms)"
		row "$part" kp_cpu_b "KP CPU per SA, b (ms)"
		row "$part" kp_a "KP call p50/p99, a (us)"
		row "$part" kp_b "KP call p50/p99, b (us)"
		row "$part" retransmits "IKE retransmissions, a + b"
		if [ "${part##*-}" = m ]; then
			row "$part" rss_a "charon RSS per live SA, a (B)"
			row "$part" rss_b "charon RSS per live SA, b (B)"
			row "$part" plugin_a "plugin state per live SA, a (B)"
			row "$part" plugin_b "plugin state per live SA, b (B)"
		fi
	done
done

# minus A B: A - B, "-" if either is not a number
minus() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/) printf "%.0f", a - b
		else print "-" }'
}

# dyn_stat PART NAME: dynamic over static
dyn_stat() {
	ratio "$(value "$1" dynamic "$2")" "$(value "$1" static "$2")"
}

# dyn_minus_stat PART NAME: dynamic minus static
dyn_minus_stat() {
	minus "$(value "$1" dynamic "$2")" "$(value "$1" static "$2")"
}

# p99_ms PART NAME: the p99 of a KP call figure, in ms
p99_ms() {
	awk -v f="$(value "$1" dynamic "$2")" 'BEGIN { n = split(f, a, "/")
		if (n == 2 && a[2] ~ /^[0-9]+$/) printf "%.1f", a[2] / 1000; else print "-" }'
}

# both FUNCTION PART FIGURE: FUNCTION of FIGURE_a / FIGURE_b, with CHILD_SA
# and childless (PART: seq, k or m)
both() {
	local f=$1 part=$2
	echo "$($f "child-$part" "${3}_a") / $($f "child-$part" "${3}_b") (with CHILD_SA)," \
		"$($f "childless-$part" "${3}_a") / $($f "childless-$part" "${3}_b") (childless)"
}

# the figures of issue 13's table, of the parts measured
printf '\nsummary, dynamic against static PPK\n'
if has seq || has k; then
	cat <<-EOF
	  IKE_SA rate, with CHILD_SA, one after another: $(dyn_stat child-seq rate) (median of rounds $(dyn_stat child-seq rate_median)), $K in flight: $(dyn_stat child-k rate)
	  IKE_SA rate, childless, one after another: $(dyn_stat childless-seq rate) (median of rounds $(dyn_stat childless-seq rate_median)), $K in flight: $(dyn_stat childless-k rate)
	  charon CPU per IKE_SA a / b, one after another: $(both dyn_stat seq cpu)
	  charon CPU per IKE_SA a / b, $K in flight: $(both dyn_stat k cpu)
	  KP call p99 a / b, $K in flight (ms): $(both p99_ms k kp)
	EOF
fi
if has m; then
	cat <<-EOF
	  charon RSS per live IKE_SA a / b, $M at once, dynamic - static (B): $(both dyn_minus_stat m rss)
	  plugin state per live IKE_SA a / b, dynamic - static (B): $(both dyn_minus_stat m plugin)
	EOF
fi
[ "$failures" = 0 ]

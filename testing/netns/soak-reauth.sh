#!/usr/bin/env bash
# usage: testing/netns/soak-reauth.sh TARGET [ROTATIONS [INTERVAL]]
#
# A rotation soak, outside the test command: one tunnel with a required
# dynamic PPK (or, with SOAK_PPK=none, without PPK, for comparison), the
# initiator reauthenticating it make-before-break every INTERVAL seconds
# (default 2) for ROTATIONS rotations (default 1000), the responder without
# COOKIEs (dos_protection = no), while a ping crosses the tunnel every 0.1 s.
# Prints: rotations that never completed and those later than the interval
# (an IKE_SA_INIT retransmission), lost pings and the longest gap between answers,
# keys issued by the KPs and used by the gateways, distinct keyIds, and the
# growth of each charon's resident memory per rotation. Logs stay in
# testing/netns/out/TARGET/soak-reauth[-none]/.
#
# Build the target first (scripts/build.sh TARGET). Exit status 0 if no
# rotation failed and every IKE_SA had its own key.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"
need_root

target=${1:?usage: soak-reauth.sh TARGET [ROTATIONS [INTERVAL]]}
rotations=${2:-1000}
interval=${3:-2}
ppk=${SOAK_PPK:-dynamic}
target_env "$target"
SKIP_BUILD=$SKIP_TOP/build/$target
[ -x "$SKIP_BUILD/testing/kp/skip-kp" ] || die "build $target first: scripts/build.sh $target"
OUT=$here/out/$target/soak-reauth${SOAK_PPK:+-$SOAK_PPK}
rm -rf "$OUT"
mkdir -p "$OUT"

. "$here/lib.sh"
trap testbed_down EXIT
trap "exit 1" TERM INT

# resident memory of a side's charon (kB)
rss() {
	awk '/^VmRSS/ { print $2 }' "/proc/${PIDS[charon-$1]}/status"
}

# IKE_SAs side $1 established so far
established() {
	grep -Ec "IKE_SA skip\[[0-9]+\] established" "$OUT/$1/charon.log" || true
}

CHARON_OPTIONS_a="make_before_break = yes"
CHARON_OPTIONS_b="dos_protection = no"
# the plugin's lines only: a thousand rotations at level 2 of every group
# would be mostly noise
LOG_LEVEL_a=1
LOG_LEVEL_b=1
[ "$ppk" = none ] && PPK_ID_a=none && PPK_ID_b=none
set -e
testbed_up psk
initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
set +e

ip netns exec "$NS_a" ping -D -i 0.1 -W 1 -I "$NET_a.0.1" "$NET_b.0.1" \
	> "$OUT/ping.out" 2>&1 &
PIDS[ping]=$!

late=0
rss_a0="" rss_b0=""
start=$(now_ms)
for i in $(seq "$rotations"); do
	t0=$(now_ms)
	before=$(established a)
	# the newest IKE_SA only: while the one it replaces is being deleted,
	# "--ike skip" would reauthenticate both
	id=$(swanctl a --list-sas --ike skip 2>/dev/null |
		sed -n 's/^skip: #\([0-9]*\),.*ESTABLISHED.*/\1/p' | sort -n | tail -n 1)
	swanctl a --rekey --ike-id "${id:-0}" --reauth > /dev/null 2>&1
	# the new IKE_SA must be up within the interval
	until [ "$(established a)" -gt "$before" ] || [ $(( $(now_ms) - t0 )) -ge $((interval * 1000)) ]; do
		sleep 0.05
	done
	if [ "$(established a)" -le "$before" ]; then
		# not up within the interval (it may still come: counted below)
		late=$((late + 1))
		echo "rotation $i not up within $interval s" >> "$OUT/late.log"
	fi
	# memory after the first rotations settled allocator pools
	if [ "$i" = 10 ]; then
		rss_a0=$(rss a) rss_b0=$(rss b)
	fi
	left=$(( interval * 1000 - ($(now_ms) - t0) ))
	[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
done
sleep 1
rss_a1=$(rss a) rss_b1=$(rss b)
stop_pid ping
secs=$(( ($(now_ms) - start) / 1000 ))

# pings: sequence numbers answered, lost ones before the last answer, the
# longest time between two answers
read -r sent answered gap < <(awk -F'[][ =]' '/icmp_seq=/ {
		for (i = 1; i <= NF; i++) if ($i == "icmp_seq") seq = $(i + 1)
		t = $2; if (last != "" && t - last > gap) gap = t - last; last = t
		n++; if (seq > max) max = seq }
	END { printf "%d %d %.2f\n", max, n, gap }' "$OUT/ping.out")
keys_a=$(kp_delivered a)
keys_b=$(kp_delivered b)
ids_a=$(ppk_key_ids a | sort -u | wc -l)
ids_b=$(ppk_key_ids b | sort -u | wc -l)
n_est=$(established a)
failed=$(( rotations + 1 - n_est ))
[ "$failed" -ge 0 ] || failed=0
per_rot() { awk -v a="$1" -v b="$2" -v n=$((rotations - 10)) 'BEGIN { printf "%.2f", (b - a) / n }'; }

cat <<EOF
rotation soak on $target (strongSwan $SW_VERSION), PPK: $ppk, make-before-break, every $interval s, $secs s
  rotations:           $rotations, never completed: $failed, completed later than the interval: $late
  IKE_SAs established: $n_est (initial + rotations)
  pings:               $sent sent, $((sent - answered)) lost, longest gap between answers $gap s
  keys issued:         KP a $keys_a, KP b $keys_b
  keyIds used:         a $ids_a, b $ids_b
  charon RSS:          a ${rss_a0:-?} -> $rss_a1 kB ($(per_rot "${rss_a0:-0}" "$rss_a1") kB/rotation), b ${rss_b0:-?} -> $rss_b1 kB ($(per_rot "${rss_b0:-0}" "$rss_b1") kB/rotation)
EOF
[ "$failed" = 0 ] || exit 1
[ "$ppk" = none ] || [ "$ids_a" = $((rotations + 1)) ] || exit 1

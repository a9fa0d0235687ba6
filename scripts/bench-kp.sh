#!/usr/bin/env bash
# usage: scripts/bench-kp.sh BUILD_DIR [SECONDS]
#
# Throughput of the reference KP (testing/kp/skip-kp) on loopback, over
# TLS 1.3 with an external PSK (TLS_AES_256_GCM_SHA384). Starts two KPs,
# Alice and Bob (Bob with a durable key store, as a lab KP runs), and
# measures side by side in one run, SECONDS each (default 3):
#
#   GET /capabilities   the cost of TLS + HTTP + JSON alone
#   GET /key            a new key: made, synchronized with Bob (stored on
#                       disk there) and delivered
#   GET /key + /key/{keyId} at Bob   both halves of a SKIP exchange
#   ETSI GS QKD 014 enc_keys, and enc_keys + dec_keys at Bob: the same
#                       over client certificates (SAEs sae-a and sae-b)
#   DSKE                GET /key and key pairs with the KPs synchronizing
#                       through three Security Hubs (skip-hub, k = 2)
#                       instead of their direct link, and the PSRD each key
#                       costs
#
# with keep-alive and with a new connection per request, one client and
# several, and prints the figures with their ratios, and the CPU time each
# KP spent per request (microseconds; steadier than rates on a busy
# machine). With --against OLD_BUILD_DIR every figure is measured with the
# KPs of OLD_BUILD_DIR and then with those of BUILD_DIR, and printed with
# the ratio new/old. Every figure that
# makes keys starts with both KPs restarted and Bob's store empty. Within one
# figure, keys nobody fetches at Bob accumulate up to his store's bound
# (100,000 keys): with SECONDS much above the default, the fastest key-only
# figures (8 clients, key pool) reach it and report errors (507). Builds nothing: run
# `make` in BUILD_DIR first. Needs no root. Kills only the KPs it started.
set -euo pipefail

usage() {
	echo "usage: $0 [--against OLD_BUILD_DIR] BUILD_DIR [SECONDS]" >&2
	exit 2
}
against=
if [ "${1:-}" = --against ]; then
	[ -n "${2:-}" ] || usage
	against=$(cd "$2" && pwd)
	shift 2
fi
build=${1:-}
seconds=${2:-3}
[ -n "$build" ] || usage
build=$(cd "$build" && pwd)
. "$(dirname "$0")/bench-lib.sh"
bench=$build/testing/kp/skip-kp-bench
hub=$build/testing/hub/skip-hub
# the KPs measured: with --against, the old one and then ours, figure by
# figure, each from restarted KPs (same client for both); DSKE with ours only
builds=(${against:+"$against"} "$build")
for bin in "$bench" "$hub" "${builds[@]/%//testing/kp/skip-kp}"; do
	[ -x "$bin" ] || { echo "error: $bin missing, run make in its build directory" >&2; exit 1; }
done
kp=$build/testing/kp/skip-kp

dir=$(mktemp -d /tmp/skip-kp-bench-XXXXXX)
declare -A pids=()
stop_kp() {
	[ -n "${pids[$1]:-}" ] || return 0
	kill "${pids[$1]}" 2>/dev/null || true
	wait "${pids[$1]}" 2>/dev/null || true
	unset "pids[$1]"
}
cleanup() {
	local name
	for name in "${!pids[@]}"; do
		stop_kp "$name"
	done
	rm -rf "$dir"
}
trap cleanup EXIT

(umask 077; for f in gw-a gw-b kp-sync; do openssl rand -hex 32 > "$dir/$f.psk"; done)
# a CA, the KPs' server certificate and the SAEs' client certificates
(
	cd "$dir"
	umask 077
	ec() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
	ec -x509 -days 2 -keyout ca.key -out ca.pem -subj /CN=bench-ca
	for c in kp sae-a sae-b; do
		ec -keyout $c.key -out $c.csr -subj /CN=$c
		openssl x509 -req -in $c.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 2 -out $c.pem 2>/dev/null
	done
)
port_a=$("$bench" --free-port); sync_a=$("$bench" --free-port)
port_b=$("$bench" --free-port); sync_b=$("$bench" --free-port)

# start_kp NAME [options]: Alice or Bob, peering with the other
start_kp() {
	local name=$1 port sync peer peer_sync client peer_client peering
	shift
	if [ "$name" = Alice ]; then
		port=$port_a sync=$sync_a peer=Bob peer_sync=$sync_b client=gw-a
		peer_client=gw-b
	else
		port=$port_b sync=$sync_b peer=Alice peer_sync=$sync_a client=gw-b
		peer_client=gw-a
	fi
	: > "$dir/$name.log"
	if [ "$sync_mode" = dske ]; then
		peering=(--dske-hub "hub1,127.0.0.1:$hub1,1,$dir/dske/$client/hubs/hub1"
			--dske-hub "hub2,127.0.0.1:$hub2,2,$dir/dske/$client/hubs/hub2"
			--dske-hub "hub3,127.0.0.1:$hub3,3,$dir/dske/$client/hubs/hub3"
			--dske-peer "$peer,$peer_client,2")
	else
		peering=(--sync-listen "127.0.0.1:$sync"
			--peer "$peer,127.0.0.1:$peer_sync,$dir/kp-sync.psk")
	fi
	"$kp" --system-id "$name" --listen "127.0.0.1:$port" \
		"${peering[@]}" \
		--client-psk "$client:$dir/$client.psk" \
		--cert "$dir/kp.pem" --key "$dir/kp.key" --ca "$dir/ca.pem" \
		--sae sae-a,Alice --sae sae-b,Bob "$@" \
		>> "$dir/$name.log" 2>&1 &
	pids[$name]=$!
	wait_ready "$name" "$dir/$name.log"
}

# how the pair runs: Alice's options, Bob durable or in memory, direct
# link or DSKE
alice_opts=()
sync_mode=direct
bob_durable=yes
# restart_pair: both KPs anew and Bob's store empty, so that every figure
# starts from a clean store (the unfetched keys of earlier figures would
# fill it: 507, and a later figure would get no answer)
restart_pair() {
	stop_kp Alice
	stop_kp Bob
	rm -rf "$dir/state-b"
	if [ "$bob_durable" = yes ]; then
		start_kp Bob --state-dir "$dir/state-b"
	else
		start_kp Bob
	fi
	start_kp Alice "${alice_opts[@]}"
	if [ ${#alice_opts[@]} -gt 0 ]; then
		sleep 1		# the key pool fills
	fi
}

# run LABEL [skip-kp-bench options] PATH: prints a line, sets $rate
run() {
	local label=$1
	shift
	run_as "$label" --psk-identity gw-a --psk-file "$dir/gw-a.psk" "$@"
}
# run_as LABEL CREDENTIALS... [skip-kp-bench options] PATH: with
# --against, the old KPs first (their rate in $old_rate), then ours
run_as() {
	local label=$1 out errors a0 b0 requests line="" b
	shift
	for b in "${builds[@]}"; do
		case "${*: -1}" in
			/capabilities|/entropy)
				[ ${#builds[@]} = 1 ] && [ -n "${pids[Alice]:-}" ] ||
					{ kp=$b/testing/kp/skip-kp; restart_pair; } ;;
			*) kp=$b/testing/kp/skip-kp; restart_pair ;;
		esac
		a0=$(cpu_ticks Alice); b0=$(cpu_ticks Bob)
		out=$("$bench" --port "$port_a" --seconds "$seconds" "$@")
		old_rate=${rate:-0}
		rate=${out##*rate=}
		errors=${out#*errors=}
		errors=${errors%% *}
		requests=${out#requests=}
		requests=${requests%% *}
		line+=$(printf ' %8s /s %6s %6s%s' "$rate" \
			"$(per_request $(($(cpu_ticks Alice) - a0)) "$requests")" \
			"$(per_request $(($(cpu_ticks Bob) - b0)) "$requests")" \
			"$([ "$errors" = 0 ] || echo " ($errors errors)")")
	done
	if [ ${#builds[@]} = 2 ]; then
		line+=$(printf '  %5s' "$(ratio "$rate" "$old_rate")")
	fi
	printf '  %-46s%s\n' "$label" "$line"
}
# CPU time a KP used so far, in clock ticks (user and system)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/${pids[$1]}/stat"; }
# per_request TICKS REQUESTS: microseconds of CPU per request
hz=$(getconf CLK_TCK)
per_request() {
	awk -v t="$1" -v n="$2" -v hz="$hz" \
		'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-" }'
}
fetch=(--fetch-port "$port_b" --fetch-identity gw-b --fetch-psk "$dir/gw-b.psk"
	--fetch-remote Alice)
key="/key?remoteSystemID=Bob"
sae_a=(--cert "$dir/sae-a.pem" --key "$dir/sae-a.key")
etsi_fetch=(--fetch-port "$port_b" --fetch-cert "$dir/sae-b.pem"
	--fetch-key "$dir/sae-b.key" --etsi-master sae-a)
enc="/api/v1/keys/sae-b/enc_keys"

echo "skip-kp throughput: TLS 1.3, external PSK, TLS_AES_256_GCM_SHA384, loopback,"
echo "(ETSI 014 lines: client certificates, TLS_AES_256_GCM_SHA384),"
echo "$(nproc) CPUs shared by both KPs and the clients, ${seconds} s per figure"
echo "(rates vary with the load of the machine; the CPU time of each KP per"
echo " request, in microseconds, varies much less)"
if [ ${#builds[@]} = 2 ]; then
	echo "old: $against"
	echo "new: $build"
	printf '  %-46s %11s %6s %6s %11s %6s %6s  %5s\n' "" "old rate" "Alice" \
		"Bob" "new rate" "Alice" "Bob" "ratio"
else
	printf '  %-46s %11s %6s %6s\n' "" "rate" "Alice" "Bob"
fi

restart_pair
echo
echo "Bob stores keys durably (journal, fdatasync); every key synchronized on demand"
echo " one client, keep-alive:"
run "GET /capabilities" /capabilities; caps=$rate
run "GET /entropy" /entropy; entropy=$rate
run "GET /key (keys/s)" "$key"; key1=$rate
run "GET /key + GET /key/{keyId} at Bob (pairs/s)" "${fetch[@]}" "$key"; pair1=$rate
run_as "ETSI 014 enc_keys (keys/s)" "${sae_a[@]}" "$enc"; etsi1=$rate
run_as "ETSI 014 enc_keys + dec_keys at Bob (pairs/s)" "${sae_a[@]}" "${etsi_fetch[@]}" "$enc"; etsipair1=$rate
echo " one client, a new connection per request:"
run "GET /capabilities" --new-connection /capabilities; caps_new=$rate
run "GET /key (keys/s)" --new-connection "$key"; key_new=$rate
echo " 8 clients, keep-alive:"
run "GET /capabilities" --clients 8 /capabilities; caps8=$rate
run "GET /key (keys/s)" --clients 8 "$key"; key8=$rate
run "GET /key + GET /key/{keyId} at Bob (pairs/s)" --clients 8 "${fetch[@]}" "$key"; pair8=$rate
run_as "ETSI 014 enc_keys (keys/s)" "${sae_a[@]}" --clients 8 "$enc"; etsi8=$rate
run_as "ETSI 014 enc_keys + dec_keys at Bob (pairs/s)" "${sae_a[@]}" --clients 8 "${etsi_fetch[@]}" "$enc"; etsipair8=$rate

alice_opts=(--key-pool 256)
echo
echo "the same, Alice with --key-pool 256 (keys synchronized in advance)"
echo " keep-alive:"
run "GET /key (keys/s), 1 client" "$key"; pool1=$rate
run "GET /key (keys/s), 8 clients" --clients 8 "$key"; pool8=$rate
run "GET /key + GET /key/{keyId} at Bob, 1 client" "${fetch[@]}" "$key"; poolpair1=$rate

alice_opts=()
bob_durable=no
echo
echo "the same, Bob keeping keys in memory only (no --state-dir), no pool"
echo " keep-alive:"
run "GET /key (keys/s), 1 client" "$key"; mem1=$rate
run "GET /key (keys/s), 8 clients" --clients 8 "$key"; mem8=$rate

echo
echo "ratios (measured side by side above):"
echo "  GET /key / GET /capabilities, keep-alive, 1 client      $(ratio "$key1" "$caps")"
echo "  GET /key / GET /capabilities, keep-alive, 8 clients     $(ratio "$key8" "$caps8")"
echo "  GET /key, keep-alive / new connection                   $(ratio "$key1" "$key_new")"
echo "  GET /capabilities, keep-alive / new connection          $(ratio "$caps" "$caps_new")"
echo "  GET /key, 8 clients / 1 client                          $(ratio "$key8" "$key1")"
echo "  key pairs (both KPs) / GET /key, 1 client               $(ratio "$pair1" "$key1")"
echo "  key pairs, 8 clients / 1 client                         $(ratio "$pair8" "$pair1")"
echo "  GET /key with pool / without, 1 client                  $(ratio "$pool1" "$key1")"
echo "  GET /key with pool / GET /capabilities, 1 client        $(ratio "$pool1" "$caps")"
echo "  GET /key with pool / without, 8 clients                 $(ratio "$pool8" "$key8")"
echo "  key pairs with pool / without, 1 client                 $(ratio "$poolpair1" "$pair1")"
echo "  GET /key, peer in memory / durable peer, 1 client       $(ratio "$mem1" "$key1")"
echo "  GET /key, peer in memory / durable peer, 8 clients      $(ratio "$mem8" "$key8")"
echo "  GET /entropy / GET /capabilities                        $(ratio "$entropy" "$caps")"
echo "  ETSI enc_keys / SKIP GET /key, 1 client                  $(ratio "$etsi1" "$key1")"
echo "  ETSI enc_keys / SKIP GET /key, 8 clients                 $(ratio "$etsi8" "$key8")"
echo "  ETSI key pairs / SKIP key pairs, 1 client                $(ratio "$etsipair1" "$pair1")"
echo "  ETSI key pairs / SKIP key pairs, 8 clients               $(ratio "$etsipair8" "$pair8")"

# --- DSKE: three hubs, k = 2, instead of the direct link ----------------------
# The hubs' bundle names the KPs' clients gw-a and gw-b (any names do).
hub1=$("$bench" --free-port); hub2=$("$bench" --free-port); hub3=$("$bench" --free-port)
words=150000
"$hub" bundle --hubs hub1,hub2,hub3 --clients gw-a,gw-b --words $words \
	--out "$dir/dske" > "$dir/bundle.log" 2>&1
for i in 1 2 3; do
	port_var=hub$i
	"$hub" --name "hub$i" --listen "127.0.0.1:${!port_var}" \
		--clients-dir "$dir/dske/hub$i/clients" \
		--state-dir "$dir/dske/hub$i/state" > "$dir/hub$i.log" 2>&1 &
	pids[hub$i]=$!
done
for i in 1 2 3; do
	for _ in $(seq 100); do
		grep -q '\[info\] ready' "$dir/hub$i.log" 2>/dev/null && break
		sleep 0.05
	done
done
# PSRD words Alice has left to send through all hubs (her start log)
psrd_left() {
	sed -n "s/.*DSKE hub 'hub[0-9]': \([0-9]*\) PSRD words.*/\1/p" "$dir/Alice.log" |
		awk '{ sum += $1 } END { print sum + 0 }'
}
sync_mode=dske
bob_durable=yes
made=0 spent=0
# run_dske LABEL [skip-kp-bench options] PATH: run(), counting the keys
# Alice made and the PSRD words they took (her log's start lines say what
# was left; a restart logs it again)
run_dske() {
	local before
	run "$@"
	before=$(psrd_left)
	made=$((made + $(grep -c "acknowledged by" "$dir/Alice.log" || true)))
	stop_kp Alice
	start_kp Alice
	spent=$((spent + before - $(psrd_left)))
}
echo
echo "DSKE: the same KPs synchronizing through three skip-hubs on loopback, k = 2,"
echo "Bob durable (the hubs store each share durably too)"
echo " keep-alive:"
run_dske "GET /key (keys/s), 1 client" "$key"; dske1=$rate
run_dske "GET /key + GET /key/{keyId} at Bob, 1 client" "${fetch[@]}" "$key"; dskepair1=$rate
run_dske "GET /key (keys/s), 8 clients" --clients 8 "$key"; dske8=$rate
run_dske "GET /key + GET /key/{keyId} at Bob, 8 clients" --clients 8 "${fetch[@]}" "$key"; dskepair8=$rate
echo "  PSRD: $made keys took $((spent * 16)) bytes of Alice's PSRD (3 hubs):" \
	"$(awk -v s="$spent" -v m="$made" 'BEGIN { printf "%.0f", m ? s * 16 / m : 0 }') bytes per key" \
	"(7 words per hub: 336 expected), and as much of the hubs' PSRD towards Bob for each key he fetches"
echo
echo "ratios, DSKE / direct link (measured side by side above):"
echo "  GET /key, 1 client                                      $(ratio "$dske1" "$key1")"
echo "  GET /key, 8 clients                                     $(ratio "$dske8" "$key8")"
echo "  key pairs, 1 client                                     $(ratio "$dskepair1" "$pair1")"
echo "  key pairs, 8 clients                                    $(ratio "$dskepair8" "$pair8")"

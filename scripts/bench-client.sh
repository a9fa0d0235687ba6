#!/usr/bin/env bash
# usage: scripts/bench-client.sh BUILD_DIR [OLD_REV] [SECONDS]
#
# Cost of the plugin's KP round trip on the client side: builds
# testing/bench/client_bench.c against this tree's libskip and, with
# OLD_REV (a git revision, e.g. main), against that revision's libskip, and
# runs both side by side against one pair of reference KPs (Alice and Bob,
# from BUILD_DIR, keys in memory) on loopback. The clients use the plugin's
# settings (TLS 1.3, external PSK, default pool_size and budgets); K threads
# each make one IKE_SA's calls in a loop: GET /key at Alice, then
# GET /key/{keyId} at Bob. For K = 1, 4, 16 and 50 it prints calls/s,
# p50/p99 of both calls in µs, TLS handshakes while measuring (new
# connections; warm-up rounds come first), CPU µs and context switches per
# call of the client process, and the ratios new/old. SECONDS per figure,
# default 3. Needs no root; kills only the KPs it started.
#
# PERF=1 also records a perf profile of this tree's client at K = PERF_K
# (default 16) and prints the top of it (needs perf).
set -euo pipefail

build=${1:-}
old_rev=${2:-}
seconds=${3:-3}
[ -n "$build" ] || { echo "usage: $0 BUILD_DIR [OLD_REV] [SECONDS]" >&2; exit 2; }
build=$(cd "$build" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/bench-lib.sh"
kp=$build/testing/kp/skip-kp
kp_bench=$build/testing/kp/skip-kp-bench
for bin in "$kp" "$kp_bench"; do
	[ -x "$bin" ] || { echo "error: $bin missing, run make in $build" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/skip-client-bench-XXXXXX)
declare -A pids=()
cleanup() {
	local name
	for name in "${!pids[@]}"; do
		kill "${pids[$name]}" 2>/dev/null || true
		wait "${pids[$name]}" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT

# compile VARIANT LIBSKIP_DIR: the benchmark against one libskip's sources,
# both variants with the same flags
compile() {
	gcc -O2 -g -fno-omit-frame-pointer -pthread -include "$build/build-config.h" \
		-I"$2" "$src/testing/bench/client_bench.c" "$2"/*.c \
		-o "$dir/bench-$1" $(pkg-config --cflags --libs libcurl json-c openssl)
}
compile new "$src/src/libskip"
variants=(new)
if [ -n "$old_rev" ]; then
	mkdir "$dir/old"
	git -C "$src" archive "$old_rev" src/libskip | tar -x -C "$dir/old"
	compile old "$dir/old/src/libskip"
	variants=(new old)
fi

(umask 077; for f in gw-a gw-b kp-sync; do openssl rand -hex 32 > "$dir/$f.psk"; done)
port_a=$("$kp_bench" --free-port); sync_a=$("$kp_bench" --free-port)
port_b=$("$kp_bench" --free-port); sync_b=$("$kp_bench" --free-port)
start_kp() {
	local name=$1 port=$2 sync=$3 peer=$4 peer_sync=$5 client=$6
	"$kp" --system-id "$name" --listen "127.0.0.1:$port" \
		--sync-listen "127.0.0.1:$sync" \
		--peer "$peer,127.0.0.1:$peer_sync,$dir/kp-sync.psk" \
		--client-psk "$client:$dir/$client.psk" > "$dir/$name.log" 2>&1 &
	pids[$name]=$!
	wait_ready "$name" "$dir/$name.log"
}
start_kp Bob "$port_b" "$sync_b" Alice "$sync_a" gw-b
start_kp Alice "$port_a" "$sync_a" Bob "$sync_b" gw-a
args=(--url-a "https://127.0.0.1:$port_a" --identity-a gw-a --psk-a "$dir/gw-a.psk"
	--url-b "https://127.0.0.1:$port_b" --identity-b gw-b --psk-b "$dir/gw-b.psk")

field() { local v=${1##*"$2="}; echo "${v%% *}"; }

echo "libskip client, as the plugin uses it: TLS 1.3, external PSK, loopback,"
echo "$(nproc) CPUs shared by both KPs and the client, ${seconds} s per figure;"
echo "per call: GET /key at Alice or GET /key/{keyId} at Bob"
[ -z "$old_rev" ] || echo "new: this tree, old: $old_rev ($(git -C "$src" rev-parse --short "$old_rev"))"
printf '\n%-8s %3s %9s %12s %12s %8s %9s %9s  %s\n' variant K calls/s \
	"key p50/p99" "byId p50/99" "new TLS" "CPU µs" "csw" "errors"
declare -A out=()
for k in 1 4 16 50; do
	for v in "${variants[@]}"; do
		o=$("$dir/bench-$v" "${args[@]}" --threads "$k" --seconds "$seconds") || true
		out[$v$k]=$o
		printf '%-8s %3s %9s %12s %12s %8s %9s %9s  %s\n' "$v" "$k" \
			"$(field "$o" calls_per_s)" \
			"$(field "$o" key_p50_us)/$(field "$o" key_p99_us)" \
			"$(field "$o" by_id_p50_us)/$(field "$o" by_id_p99_us)" \
			"$(field "$o" new_tls)" "$(field "$o" cpu_us_per_call)" \
			"$(field "$o" csw_per_call)" "$(field "$o" errors)"
	done
done

if [ -n "$old_rev" ]; then
	echo
	echo "ratios new/old (measured side by side above):"
	printf '%3s %9s %10s %10s %10s %10s\n' K calls/s "key p99" "byId p99" "CPU/call" "csw/call"
	for k in 1 4 16 50; do
		n=${out[new$k]} o=${out[old$k]}
		printf '%3s %9s %10s %10s %10s %10s\n' "$k" \
			"$(ratio "$(field "$n" calls_per_s)" "$(field "$o" calls_per_s)")" \
			"$(ratio "$(field "$n" key_p99_us)" "$(field "$o" key_p99_us)")" \
			"$(ratio "$(field "$n" by_id_p99_us)" "$(field "$o" by_id_p99_us)")" \
			"$(ratio "$(field "$n" cpu_us_per_call)" "$(field "$o" cpu_us_per_call)")" \
			"$(ratio "$(field "$n" csw_per_call)" "$(field "$o" csw_per_call)")"
	done
fi

if [ "${PERF:-}" = 1 ]; then
	echo
	echo "perf profile of the new client, K = ${PERF_K:-16} (self time, top entries):"
	perf record -q -g -o "$dir/perf.data" "$dir/bench-new" "${args[@]}" \
		--threads "${PERF_K:-16}" --seconds "$seconds" > /dev/null 2>&1
	perf report -i "$dir/perf.data" --no-children --sort dso -q -g none 2>/dev/null | grep -v '^$' | head -15
	perf report -i "$dir/perf.data" --no-children --sort sym -q -g none 2>/dev/null | grep -v '^$' | head -40
fi

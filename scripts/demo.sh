#!/usr/bin/env bash
# usage: scripts/demo.sh [TARGET]
#
# The end-to-end demo: two gateways in network namespaces, each with its own
# SKIP Key Provider and its own charon (TARGET: debian12, Debian 12's
# packaged charon, the default; or sid), bring up an IPsec tunnel whose
# IKE_SA mixes in a post-quantum PPK that neither was configured with, then
# send traffic through it. Installs and builds what it needs. Run as root.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

target=${1:-debian12}
# shellcheck disable=SC2086
apt_install $SKIP_BUILD_DEPS $SKIP_TEST_DEPS
log "setting up strongSwan ($target) and building the plugin and KP; the first run takes a few minutes"
"$SKIP_TOP/scripts/build.sh" "$target"
target_env "$target"
SKIP_BUILD=$SKIP_TOP/build/$target
OUT=$SKIP_TOP/testing/netns/out/demo
rm -rf "$OUT"
mkdir -p "$OUT"
. "$SKIP_TOP/testing/netns/lib.sh"
trap testbed_down EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { sed 's/^/   /'; }
skip_lines() { grep -E "SKIP|PPK|USE_PPK|IKE_SA .* established|CHILD_SA .* established" "$1" | show; }

say "strongSwan $SW_PACKAGE_VERSION ($target) with the skip plugin"
cat <<EOF | show
gateway Alice: $ADDR_a in namespace $NS_a, protects $NET_a.0.0/24, its KP has system ID '$SID_a'
gateway Bob:   $ADDR_b in namespace $NS_b, protects $NET_b.0.0/24, its KP has system ID '$SID_b'
each plugin reaches its own KP at https://127.0.0.1:$KP_PORT with TLS 1.3 and a PSK;
the KPs synchronize keys over their own link and TLS 1.3 PSK channel ($KADDR_a:$SYNC_PORT <-> $KADDR_b:$SYNC_PORT)
both connections say: ppk_id = %any, ppk_required = yes (no PPK is configured anywhere)
EOF
testbed_up psk

say "the plugins learned their KPs' system IDs (GET /capabilities)"
grep -h "local system ID" "$OUT/a/charon.log" "$OUT/b/charon.log" | show

say "Alice initiates"
initiate || { cat "$OUT/initiate-a-skip.out"; fail "initiate failed"; }
echo "   swanctl --initiate: $(tail -n 1 "$OUT/initiate-a-skip.out")"

say "what Alice's charon did"
skip_lines "$OUT/a/charon.log"
say "what Bob's charon did"
skip_lines "$OUT/b/charon.log"
say "what the KPs did"
grep -h "key" "$OUT/kp-a.log" | sed 's/^/Alice KP: /' | show
grep -h "key" "$OUT/kp-b.log" | sed 's/^/Bob KP:   /' | show

say "the IKE_SA on Alice (/PPK: the PPK is mixed into SK_d, SK_pi, SK_pr)"
swanctl a --list-sas --ike skip | show
expect_ppk_sa a
expect_ppk_sa b

say "traffic from $NET_a.0.1 to $NET_b.0.1 through the tunnel"
expect_ping
show < "$OUT/ping.out"

key_id=$(ppk_key_id a)
[ "$key_id" = "$(ppk_key_id b)" ] || fail "the gateways used different keyIds"
say "done: tunnel up with the dynamic PPK keyId $key_id on both gateways, traffic passed"
echo "   logs: $OUT"

# Network-namespace test bed (sourced): two gateways "a" (Alice) and "b"
# (Bob), each in its own namespace with its own Key Provider and its own
# charon, joined by a veth link:
#
#   [ns a] 10.1.0.1 (lo) -- 10.99.0.1 ==veth== 10.99.0.2 -- 10.2.0.1 (lo) [ns b]
#          KP a: SKIP API 127.0.0.1:8443       KP b: SKIP API 127.0.0.1:8443
#                sync     10.99.0.1:9443             sync     10.99.0.2:9443
#
# charon uses kernel-libipsec (userspace ESP over UDP encapsulation), so no
# in-kernel ESP is needed. Everything the test bed starts is killed by PID,
# and its namespaces are deleted, when the test ends.
#
# Needs: SW_* variables of a strongSwan target (scripts/common.sh target_env),
# SKIP_BUILD (build directory of that target), OUT (output directory).

# a tag unique to this test process keeps concurrent runs apart
NETNS_TAG=${NETNS_TAG:-$BASHPID}
NS_a=skipa$NETNS_TAG
NS_b=skipb$NETNS_TAG
ADDR_a=10.99.0.1
ADDR_b=10.99.0.2
NET_a=10.1.0
NET_b=10.2.0
SID_a=Alice
SID_b=Bob
KP_PORT=8443
SYNC_PORT=9443
SKIP_KP=$SKIP_BUILD/testing/kp/skip-kp
SKIP_CLIENT=$SKIP_BUILD/src/tools/skip-client

declare -A PIDS

other() { [ "$1" = a ] && echo b || echo a; }

# --- topology -----------------------------------------------------------------

netns_up() {
	ip netns add "$NS_a"
	ip netns add "$NS_b"
	ip link add "va$NETNS_TAG" type veth peer name "vb$NETNS_TAG"
	local s
	for s in a b; do
		local ns=NS_$s addr=ADDR_$s net=NET_$s
		ip link set "v$s$NETNS_TAG" netns "${!ns}"
		ip -n "${!ns}" addr add "${!addr}/24" dev "v$s$NETNS_TAG"
		ip -n "${!ns}" link set "v$s$NETNS_TAG" up
		ip -n "${!ns}" link set lo up
		# the protected subnet behind the gateway
		ip -n "${!ns}" addr add "${!net}.1/32" dev lo
	done
}

netns_down() {
	ip netns del "$NS_a" 2>/dev/null || true
	ip netns del "$NS_b" 2>/dev/null || true
}

in_ns() { local ns=NS_$1; shift; ip netns exec "${!ns}" "$@"; }

# --- credentials --------------------------------------------------------------

# PSKs between each gateway and its KP and between the KPs, and an ECDSA PKI
# for certificate mode (CA, one KP server certificate and one gateway client
# certificate per side)
make_credentials() {
	local s
	mkdir -p "$OUT/cred"
	(
		cd "$OUT/cred"
		umask 077
		openssl rand -hex 32 > kp-sync.psk
		for s in a b; do
			openssl rand -hex 32 > "gw-$s.psk"
		done
		openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=SKIP test CA" \
			2>/dev/null
		for s in a b; do
			openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "kp-$s.key" -out "kp-$s.csr" -subj "/CN=kp-$s" 2>/dev/null
			openssl x509 -req -in "kp-$s.csr" -CA ca.pem -CAkey ca.key \
				-CAcreateserial -out "kp-$s.pem" -days 2 \
				-extfile <(printf 'subjectAltName=IP:127.0.0.1\n') 2>/dev/null
			openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "gw-$s.key" -out "gw-$s.csr" -subj "/CN=gw-$s" 2>/dev/null
			openssl x509 -req -in "gw-$s.csr" -CA ca.pem -CAkey ca.key \
				-CAcreateserial -out "gw-$s.pem" -days 2 2>/dev/null
		done
	)
}

# --- Key Providers ------------------------------------------------------------

# kp_start SIDE [extra skip-kp options]: start a side's KP (PSK and
# certificate clients) and wait until it listens
kp_start() {
	local s=$1; shift
	local o; o=$(other "$s")
	local ns=NS_$s sid=SID_$s osid=SID_$o addr=ADDR_$s oaddr=ADDR_$o
	# not through a shell function: $! must be the KP itself
	ip netns exec "${!ns}" "$SKIP_KP" --system-id "${!sid}" \
		--listen "127.0.0.1:$KP_PORT" \
		--client-psk "gw-$s:$OUT/cred/gw-$s.psk" \
		--cert "$OUT/cred/kp-$s.pem" --key "$OUT/cred/kp-$s.key" \
		--ca "$OUT/cred/ca.pem" \
		--sync-listen "${!addr}:$SYNC_PORT" \
		--peer "${!osid},${!oaddr}:$SYNC_PORT,$OUT/cred/kp-sync.psk" \
		-v "$@" >> "$OUT/kp-$s.log" 2>&1 &
	PIDS[kp-$s]=$!
	wait_for "KP $s ready" 5 grep -q "\[info\] ready" "$OUT/kp-$s.log"
}

kp_stop() {
	stop_pid "kp-$1"
}

# --- charon -------------------------------------------------------------------

# charon_conf SIDE AUTH: strongswan.conf of a side; AUTH is psk or cert
# (how the plugin authenticates to its KP)
charon_conf() {
	local s=$1 auth=$2 kp
	if [ "$auth" = cert ]; then
		kp="auth = cert
					ca = $OUT/cred/ca.pem
					cert = $OUT/cred/gw-$s.pem
					key = $OUT/cred/gw-$s.key"
	else
		kp="auth = psk
					psk_identity = gw-$s
					psk_file = $OUT/cred/gw-$s.psk"
	fi
	cat > "$OUT/$s/strongswan.conf" <<-EOF
	charon {
		# kernel-libipsec before kernel-netlink: userspace ESP wins
		load = random nonce openssl pem pkcs1 x509 kdf kernel-libipsec kernel-netlink socket-default vici updown skip
		filelog {
			main {
				path = $OUT/$s/charon.log
				time_format = %T
				default = 1
				ike = 2
				cfg = 2
				flush_line = yes
			}
		}
		plugins {
			skip {
				kp {
					local {
						url = https://127.0.0.1:$KP_PORT
						$kp
					}
				}
			}
			vici {
				socket = unix://$OUT/$s/charon.vici
			}
		}
	}
	swanctl {
		# only what loading PSK secrets needs (quiet on Debian's swanctl)
		load = random openssl pem pkcs1 x509
		socket = unix://$OUT/$s/charon.vici
	}
	EOF
}

# swanctl_conf SIDE [PPK_REQUIRED]: one connection "skip" with a dynamic PPK
swanctl_conf() {
	local s=$1 required=${2:-yes}
	local o; o=$(other "$s")
	local addr=ADDR_$s oaddr=ADDR_$o net=NET_$s onet=NET_$o
	cat > "$OUT/$s/swanctl.conf" <<-EOF
	connections {
		skip {
			version = 2
			local_addrs = ${!addr}
			remote_addrs = ${!oaddr}
			# libipsec only handles UDP-encapsulated ESP
			encap = yes
			proposals = aes256-sha384-x25519
			local {
				auth = psk
				id = gw-$s.test
			}
			remote {
				auth = psk
				id = gw-$o.test
			}
			# dynamic PPK from SKIP
			ppk_id = %any
			ppk_required = $required
			children {
				net {
					local_ts = ${!net}.0/24
					remote_ts = ${!onet}.0/24
					esp_proposals = aes256gcm16
				}
			}
		}
	}
	secrets {
		ike-ab {
			id-a = gw-a.test
			id-b = gw-b.test
			secret = "classic-psk-not-quantum-safe"
		}
	}
	EOF
}

# charon_start SIDE: start a side's charon with a private /run (its PID file
# path is compiled in) and load its connections
charon_start() {
	local s=$1 ns=NS_$1
	rm -f "$OUT/$s/charon.vici"
	# ip, unshare, sh and env exec each other: $! is charon itself
	ip netns exec "${!ns}" unshare -m sh -c "mount -t tmpfs tmpfs /run && \
		exec env STRONGSWAN_CONF=$OUT/$s/strongswan.conf $SW_CHARON" \
		> "$OUT/$s/charon.stdout" 2>&1 &
	PIDS[charon-$s]=$!
	wait_for "charon $s vici socket" 10 test -S "$OUT/$s/charon.vici"
	swanctl "$s" --load-all --file "$OUT/$s/swanctl.conf" > "$OUT/$s/load.out" 2>&1
}

charon_stop() {
	stop_pid "charon-$1"
}

swanctl() {
	local s=$1; shift
	STRONGSWAN_CONF="$OUT/$s/strongswan.conf" "$SW_SWANCTL" "$@"
}

# --- processes ----------------------------------------------------------------

# stop_pid NAME: TERM, then KILL after 5 s, the process the test bed started
stop_pid() {
	local pid=${PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "PIDS[$1]"
}

testbed_down() {
	local name
	for name in "${!PIDS[@]}"; do
		stop_pid "$name"
	done
	netns_down
}

# testbed_up [KP-AUTH]: namespaces, credentials, both KPs and both charons
# with a required dynamic PPK; KP-AUTH (psk or cert) is how the plugins
# authenticate to their KPs
testbed_up() {
	local auth=${1:-psk} s
	mkdir -p "$OUT/a" "$OUT/b"
	netns_up
	make_credentials
	for s in a b; do
		kp_start "$s"
		charon_conf "$s" "$auth"
		swanctl_conf "$s"
	done
	for s in a b; do
		charon_start "$s"
	done
	for s in a b; do
		wait_for "charon $s learned its KP's system ID" 10 \
			log_has "$s" "SKIP KP 'local' at .* local system ID"
	done
}

# --- checks -------------------------------------------------------------------

# wait_for WHAT SECONDS COMMAND...: poll until COMMAND succeeds
wait_for() {
	local what=$1 secs=$2 i; shift 2
	for i in $(seq $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out waiting for $what"
}

log_has() {
	grep -Eq "$2" "$OUT/$1/charon.log"
}

# fail MESSAGE: end the scenario
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

expect_log() {
	log_has "$1" "$2" || fail "charon $1 did not log /$2/"
}

expect_no_log() {
	! log_has "$1" "$2" || fail "charon $1 logged /$2/"
}

# the keyId charon SIDE got a PPK for
ppk_key_id() {
	sed -n "s/.*SKIP: got [0-9]* bit PPK with keyId \([0-9A-Fa-f]*\) .*/\1/p" \
		"$OUT/$1/charon.log" | tail -n 1
}

initiate() {
	swanctl a --initiate --ike skip --child net --timeout 20 > "$OUT/initiate.out" 2>&1
}

# the IKE_SA "skip" of a side is established and uses a PPK
expect_ppk_sa() {
	local sas
	sas=$(swanctl "$1" --list-sas --ike skip 2>&1)
	echo "$sas" > "$OUT/$1/list-sas.out"
	echo "$sas" | grep -q "ESTABLISHED" || fail "no established IKE_SA on $1"
	echo "$sas" | grep -Eq "/PPK$" || fail "IKE_SA on $1 does not use a PPK"
	echo "$sas" | grep -q "INSTALLED" || fail "no installed CHILD_SA on $1"
}

expect_no_sa() {
	local sas
	sas=$(swanctl "$1" --list-sas 2>&1)
	echo "$sas" > "$OUT/$1/list-sas.out"
	! echo "$sas" | grep -Eq "ESTABLISHED|INSTALLED" ||
		fail "charon $1 has an established SA"
}

# traffic from the subnet behind a to the one behind b crosses the tunnel
expect_ping() {
	in_ns a ping -c 3 -i 0.2 -W 2 -I "$NET_a.1" "$NET_b.1" > "$OUT/ping.out" 2>&1 ||
		fail "ping $NET_a.1 -> $NET_b.1 through the tunnel failed"
	local packets
	packets=$(swanctl b --list-sas --ike skip | sed -n 's/^ *in .*, *\([0-9]*\) packets.*/\1/p' | head -n 1)
	[ "${packets:-0}" -ge 3 ] || fail "responder's CHILD_SA counted ${packets:-0} inbound packets"
}

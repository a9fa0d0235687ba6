# Network-namespace test bed (sourced): two gateways "a" (Alice) and "b"
# (Bob), each in its own namespace with its own Key Provider and its own
# charon, joined by a veth link:
#
#   [ns a] 10.1.0.1 (lo) -- 10.99.0.1 ==veth== 10.99.0.2 -- 10.2.0.1 (lo) [ns b]
#          KP a: SKIP API 127.0.0.1:8443       KP b: SKIP API 127.0.0.1:8443
#                sync     10.98.0.1:9443 =veth= 10.98.0.2:9443 sync
#
# The KPs synchronize over a link of their own, which scenarios can cut.
#
# charon uses kernel-libipsec (userspace ESP over UDP encapsulation), so no
# in-kernel ESP is needed. Everything the test bed starts is killed by PID,
# and its namespaces are deleted, when the test ends.
#
# Needs: SW_* variables of a strongSwan target (scripts/common.sh target_env),
# SKIP_BUILD (build directory of that target), OUT (output directory).
# With SKIP_INSTALLED=1 the test bed runs what is installed instead of
# SKIP_BUILD: charon loads the plugin in its plugin directory (e.g. from the
# Debian package strongswan-skip) and the KPs are /usr/sbin/skip-kp.
#
# Scenarios shape a side s (a or b) with these variables, set before the
# set-up functions run:
#   PLUGIN_s=yes|no          charon loads the skip plugin (no: a stock peer)
#   KP_AUTH_s=psk|cert       how the plugin authenticates to its KP
#   KP_PROFILES_s=...        the kp { } section (default: profile "local")
#   PPK_ID_s=%any|ID         the connection's ppk_id (ID: a static PPK)
#   PPK_REQUIRED_s=yes|no    the connection's ppk_required
#   UNIQUE_s=no|never|...    the connections' uniqueness policy (default no)
#   CONNS_s=N                number of connections skip1..skipN (default:
#                            one connection "skip")
#   EXTRA_CONNS_s=...        more connections (see connection())
#   EXTRA_SECRETS_s=...      more sections in the secrets section
#   PROPOSALS_s=...          the connections' IKE proposals
#   STATIC_PPK_s=no          no static PPK secret (default: one, "static-1")
#   KP_PEER_s=...            the KP's --peer option (none: no --peer, the
#                            scenario gives other peers)
#   CHARON_OPTIONS_s=...     more options in the charon section
#   LOG_LEVEL_s=N            log level of every group of charon

# a tag unique to this test process keeps concurrent runs apart
NETNS_TAG=${NETNS_TAG:-$BASHPID}
NS_a=skipa$NETNS_TAG
NS_b=skipb$NETNS_TAG
ADDR_a=10.99.0.1
ADDR_b=10.99.0.2
# the link between the KPs
KADDR_a=10.98.0.1
KADDR_b=10.98.0.2
NET_a=10.1
NET_b=10.2
SID_a=Alice
SID_b=Bob
KP_PORT=8443
SYNC_PORT=9443
STATIC_PPK=0x6a2e0c9f1b8d4e7a5c3f2b1e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170
SKIP_KP=$SKIP_BUILD/testing/kp/skip-kp
[ "${SKIP_INSTALLED:-0}" = 1 ] && SKIP_KP=/usr/sbin/skip-kp
here_netns=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

declare -A PIDS

other() { [ "$1" = a ] && echo b || echo a; }

# side variable: var NAME SIDE DEFAULT
var() { local v="$1_$2"; echo "${!v:-$3}"; }

# --- topology -----------------------------------------------------------------

netns_up() {
	ip netns add "$NS_a"
	ip netns add "$NS_b"
	ip link add "va$NETNS_TAG" type veth peer name "vb$NETNS_TAG"
	ip link add "ka$NETNS_TAG" type veth peer name "kb$NETNS_TAG"
	local s i
	for s in a b; do
		local ns=NS_$s addr=ADDR_$s kaddr=KADDR_$s net=NET_$s
		ip link set "v$s$NETNS_TAG" netns "${!ns}"
		ip -n "${!ns}" addr add "${!addr}/24" dev "v$s$NETNS_TAG"
		ip -n "${!ns}" link set "v$s$NETNS_TAG" up
		ip link set "k$s$NETNS_TAG" netns "${!ns}"
		ip -n "${!ns}" addr add "${!kaddr}/24" dev "k$s$NETNS_TAG"
		ip -n "${!ns}" link set "k$s$NETNS_TAG" up
		ip -n "${!ns}" link set lo up
		# the protected subnets behind the gateway (one per connection index:
		# charon installs routes with a local source address)
		for i in $(seq 0 20); do
			ip -n "${!ns}" addr add "${!net}.$i.1/32" dev lo
		done
	done
}

netns_down() {
	ip netns del "$NS_a" 2>/dev/null || true
	ip netns del "$NS_b" 2>/dev/null || true
}

in_ns() { local ns=NS_$1; shift; ip netns exec "${!ns}" "$@"; }

# kp_link up|down: the link between the KPs
kp_link() {
	ip -n "$NS_a" link set "ka$NETNS_TAG" "$1"
	ip -n "$NS_b" link set "kb$NETNS_TAG" "$1"
}

# --- credentials --------------------------------------------------------------

# PSKs between each gateway and its KP and between the KPs, and an ECDSA PKI
# for certificate mode (CA, one KP server certificate and one gateway client
# certificate per side)
make_credentials() {
	local s
	mkdir -p "$OUT/cred" "$OUT/a" "$OUT/b"
	(
		cd "$OUT/cred"
		umask 077
		for s in kp-sync gw-a gw-b other; do
			openssl rand -hex 32 > "$s.psk"
		done
		openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
			-nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=SKIP test CA" \
			2>/dev/null
		for s in kp-a kp-b gw-a gw-b; do
			openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-keyout "$s.key" -out "$s.csr" -subj "/CN=$s" 2>/dev/null
			openssl x509 -req -in "$s.csr" -CA ca.pem -CAkey ca.key \
				-CAcreateserial -out "$s.pem" -days 2 \
				-extfile <(printf 'subjectAltName=IP:127.0.0.1\n') 2>/dev/null
		done
	)
}

# --- Key Providers ------------------------------------------------------------

# kp_start_as NAME SIDE [skip-kp options]: start a KP in a side's namespace
# (PSK and certificate clients; later options override --listen and
# --sync-listen) and wait until it is ready
kp_start_as() {
	local name=$1 s=$2; shift 2
	local o; o=$(other "$s")
	local ns=NS_$s sid=SID_$s osid=SID_$o addr=KADDR_$s oaddr=KADDR_$o
	local peer peer_opts=()
	peer=$(var KP_PEER "$s" "${!osid},${!oaddr}:$SYNC_PORT,$OUT/cred/kp-sync.psk")
	[ "$peer" = none ] || peer_opts=(--peer "$peer")
	# not through a shell function: $! must be the KP itself
	ASAN_OPTIONS=$(sanitizer_options "$OUT/$name.sanitizer") \
	UBSAN_OPTIONS=$(sanitizer_options "$OUT/$name.sanitizer") \
	ip netns exec "${!ns}" "$SKIP_KP" --system-id "${!sid}" \
		--listen "127.0.0.1:$KP_PORT" \
		--client-psk "gw-$s:$OUT/cred/gw-$s.psk" \
		--cert "$OUT/cred/kp-$s.pem" --key "$OUT/cred/kp-$s.key" \
		--ca "$OUT/cred/ca.pem" \
		--sync-listen "${!addr}:$SYNC_PORT" \
		"${peer_opts[@]}" \
		-v "$@" >> "$OUT/$name.log" 2>&1 &
	PIDS[$name]=$!
	wait_for "$name ready" 5 grep -q "\[info\] ready" "$OUT/$name.log"
}

kp_start() {
	local s=$1; shift
	kp_start_as "kp-$s" "$s" "$@"
}

# kp_start_other SIDE NAME SYSTEM-ID [skip-kp options]: a second KP on a
# side (API on KP_PORT + 1), with another system ID, sharing keys only with
# a "Carol" that does not exist
kp_start_other() {
	local s=$1 name=$2 sid=$3 addr=KADDR_$1; shift 3
	KP_PEER_b="Carol,10.98.0.3:$SYNC_PORT,$OUT/cred/kp-sync.psk" \
	KP_PEER_a="Carol,10.98.0.3:$SYNC_PORT,$OUT/cred/kp-sync.psk" \
		kp_start_as "$name" "$s" --system-id "$sid" \
		--listen "127.0.0.1:$((KP_PORT + 1))" \
		--sync-listen "${!addr}:$((SYNC_PORT + 1))" "$@"
}

kp_stop() {
	stop_pid "kp-$1"
}

# kp_kill SIDE: kill -9, as a crash would
kp_kill() {
	kill_pid "kp-$1"
}

# --- charon -------------------------------------------------------------------

# kp_profile NAME PORT [extra lines]: a kp profile section of side $s
kp_profile() {
	local name=$1 port=$2 extra=${3:-}
	local auth; auth=$(var KP_AUTH "$s" psk)
	if [ "$auth" = cert ]; then
		auth="auth = cert
						ca = $OUT/cred/ca.pem
						cert = $OUT/cred/gw-$s.pem
						key = $OUT/cred/gw-$s.key"
	else
		auth="auth = psk
						psk_identity = gw-$s
						psk_file = $OUT/cred/gw-$s.psk"
	fi
	cat <<-EOF
				$name {
					url = https://127.0.0.1:$port
					$auth
					$extra
				}
	EOF
}

# log levels of side $s's charon: LOG_LEVEL_s=N for every group, else the
# plugin's groups (ike, cfg) at 2
log_levels() {
	local level; level=$(var LOG_LEVEL "$s" "")
	if [ -n "$level" ]; then
		echo "default = $level"
	else
		printf 'default = 1\n\t\t\t\tike = 2\n\t\t\t\tcfg = 2\n'
	fi
}

charon_conf() {
	local s=$1 plugin load p skip=""
	plugin=$(var PLUGIN "$s" yes)
	load="random nonce openssl pem pkcs1 x509 kdf kernel-libipsec kernel-netlink socket-default vici updown"
	# ML-KEM and EAP-MD5 where the target has them
	for p in ml eap-md5; do
		[ -f "$SW_PLUGINDIR/libstrongswan-$p.so" ] && load="$load $p"
	done
	if [ "$plugin" = yes ]; then
		load="$load skip"
		skip="skip {
				socket = unix://$OUT/$s/charon.skip
				kp {
$(var KP_PROFILES "$s" "$(kp_profile local $KP_PORT)")
				}
			}"
	fi
	cat > "$OUT/$s/strongswan.conf" <<-EOF
	charon {
		# kernel-libipsec before kernel-netlink: userspace ESP wins
		load = $load
		# each initiation through vici holds a thread until it completes
		threads = 32
		$(var CHARON_OPTIONS "$s" "")
		filelog {
			main {
				path = $OUT/$s/charon.log
				time_format = %T
				$(log_levels)
				flush_line = yes
			}
		}
		plugins {
			$skip
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

# the PPK settings of a connection of side $s (PPK_ID_s=none: no PPK)
ppk_lines() {
	local id; id=$(var PPK_ID "$s" %any)
	[ "$id" = none ] && return 0
	printf '\t\t\tppk_id = %s\n\t\t\tppk_required = %s\n' "$id" \
		"$(var PPK_REQUIRED "$s" yes)"
}

# connection NAME INDEX: one connection of side $s; IKE identities and
# subnets are unique per INDEX so that IKE_SAs do not replace each other
connection() {
	local name=$1 i=$2
	local o; o=$(other "$s")
	local addr=ADDR_$s oaddr=ADDR_$o net=NET_$s onet=NET_$o
	cat <<-EOF
		$name {
			version = 2
			local_addrs = ${!addr}
			remote_addrs = ${!oaddr}
			# libipsec only handles UDP-encapsulated ESP
			encap = yes
			unique = $(var UNIQUE "$s" no)
			proposals = $(var PROPOSALS "$s" aes256-sha384-x25519)
			local {
				auth = psk
				id = gw-$s-$i.test
			}
			remote {
				auth = psk
				id = gw-$o-$i.test
			}
$(ppk_lines)
			children {
				net {
					local_ts = ${!net}.$i.0/24
					remote_ts = ${!onet}.$i.0/24
					esp_proposals = aes256gcm16
				}
			}
		}
	EOF
}

# the static PPK secret of side $s, unless STATIC_PPK_s=no: with any PPK
# secret loaded, a responder answers USE_PPK without asking the plugin
static_ppk_secret() {
	[ "$(var STATIC_PPK "$s" yes)" = no ] && return 0
	cat <<-EOF
			ppk-static {
				# used only by connections with a static ppk_id
				id = static-1
				secret = $STATIC_PPK
			}
	EOF
}

swanctl_conf() {
	local s=$1 conns i ids=""
	conns=$(var CONNS "$s" 0)
	{
		echo "connections {"
		var EXTRA_CONNS "$s" ""
		if [ "$conns" = 0 ]; then
			connection skip 0
			ids="id-a0 = gw-a-0.test
			id-b0 = gw-b-0.test"
		else
			for i in $(seq "$conns"); do
				connection "skip$i" "$i"
				ids="$ids
			id-a$i = gw-a-$i.test
			id-b$i = gw-b-$i.test"
			done
		fi
		for i in 5 6 7; do
			# identities of the extra connections scenarios may add
			ids="$ids
			id-a$i = gw-a-$i.test
			id-b$i = gw-b-$i.test"
		done
		cat <<-EOF
		}
		secrets {
			ike-ab {
				$ids
				secret = "classic-psk-not-quantum-safe"
			}
			$(static_ppk_secret)
			$(var EXTRA_SECRETS "$s" "")
		}
		EOF
	} > "$OUT/$s/swanctl.conf"
}

# how charon runs: plain, with the sanitizer runtime for an instrumented
# plugin (SKIP_SANITIZE=1), or under valgrind memcheck (SKIP_VALGRIND=1)
charon_command() {
	local s=$1
	if [ "${SKIP_SANITIZE:-0}" = 1 ]; then
		echo "env LD_PRELOAD=$(gcc -print-file-name=libasan.so) \
			ASAN_OPTIONS=$(sanitizer_options "$OUT/$s/sanitizer") \
			UBSAN_OPTIONS=$(sanitizer_options "$OUT/$s/sanitizer") \
			LSAN_OPTIONS=suppressions=$here_netns/lsan.supp $SW_CHARON"
	elif [ "${SKIP_VALGRIND:-0}" = 1 ]; then
		echo "valgrind --tool=memcheck --leak-check=full \
			--errors-for-leak-kinds=definite --show-leak-kinds=definite \
			--num-callers=30 --error-exitcode=99 \
			--suppressions=$here_netns/valgrind.supp \
			--log-file=$OUT/$s/valgrind.log $SW_CHARON"
	else
		echo "$SW_CHARON"
	fi
}

# sanitizer_options PATH: report to PATH.PID files and stop at the first
# finding
sanitizer_options() {
	echo "log_path=$1:halt_on_error=1:abort_on_error=1:detect_leaks=${SKIP_DETECT_LEAKS:-1}:print_stacktrace=1:fast_unwind_on_malloc=0:check_printf=0"
}

# the plugin of the build under test, mounted over the installed one in
# charon's private mount namespace: the scenarios test SKIP_BUILD, whatever
# is installed, and several builds can be tested at once; with
# SKIP_INSTALLED=1 the installed plugin itself
plugin_mount() {
	local so=$SKIP_BUILD/src/plugin/.libs/libstrongswan-skip.so
	local dst=$SW_PLUGINDIR/libstrongswan-skip.so
	if [ "${SKIP_INSTALLED:-0}" = 1 ]; then
		[ -f "$dst" ] || fail "plugin not installed: $dst"
		return 0
	fi
	[ -f "$so" ] && [ -f "$dst" ] || fail "plugin not built or not installed: $so, $dst"
	echo "mount --bind $so $dst &&"
}

# charon_start SIDE: start a side's charon with a private /run (its PID file
# path is compiled in) and load its connections
charon_start() {
	local s=$1 ns=NS_$1 secs=10 mount
	[ "${SKIP_VALGRIND:-0}" = 1 ] && secs=60
	mount=$(plugin_mount) || exit 1
	rm -f "$OUT/$s/charon.vici"
	# ip, unshare, sh, env and valgrind exec each other: $! is charon itself
	ip netns exec "${!ns}" unshare -m sh -c "mount -t tmpfs tmpfs /run && \
		$mount \
		exec env STRONGSWAN_CONF=$OUT/$s/strongswan.conf $(charon_command "$s")" \
		> "$OUT/$s/charon.stdout" 2>&1 &
	PIDS[charon-$s]=$!
	wait_for "charon $s vici socket" "$secs" test -S "$OUT/$s/charon.vici"
	swanctl "$s" --load-all --file "$OUT/$s/swanctl.conf" > "$OUT/$s/load.out" 2>&1
}

charon_stop() {
	stop_pid "charon-$1"
}

# charon_kill SIDE: kill -9, as a crash would
charon_kill() {
	kill_pid "charon-$1"
}

swanctl() {
	local s=$1; shift
	STRONGSWAN_CONF="$OUT/$s/strongswan.conf" "$SW_SWANCTL" "$@"
}

# skip_status SIDE [--json]: what side's plugin reports on its status socket
skip_status() {
	local s=$1; shift
	"$SKIP_BUILD/src/tools/skip-client" --socket "unix://$OUT/$s/charon.skip" "$@" status
}

# charons_up: configure and start both charons; wait until each plugin
# learned its KP's system ID (profile "local", unless WAIT_KP_s names another
# or is "none")
charons_up() {
	local s wait
	for s in a b; do
		charon_conf "$s"
		swanctl_conf "$s"
		charon_start "$s"
	done
	for s in a b; do
		wait=$(var WAIT_KP "$s" local)
		[ "$(var PLUGIN "$s" yes)" = yes ] && [ "$wait" != none ] || continue
		wait_for "charon $s learned the system ID of KP '$wait'" 10 \
			log_has "$s" "SKIP KP '$wait' at .* local system ID"
	done
}

# --- processes ----------------------------------------------------------------

# stop_pid NAME: TERM, then KILL after 5 s (30 s under valgrind), the process
# the test bed started
stop_pid() {
	local pid=${PIDS[$1]:-} i n=50
	[ -n "$pid" ] || return 0
	[ "${SKIP_VALGRIND:-0}" = 1 ] && n=300
	kill "$pid" 2>/dev/null || true
	for i in $(seq $n); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "PIDS[$1]"
}

# kill_pid NAME: SIGKILL the process the test bed started
kill_pid() {
	local pid=${PIDS[$1]:-}
	[ -n "$pid" ] || return 0
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
	KP_AUTH_a=${1:-psk}
	KP_AUTH_b=${1:-psk}
	netns_up
	make_credentials
	kp_start a
	kp_start b
	charons_up
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

log_count() {
	grep -Ec "$2" "$OUT/$1/charon.log" || true
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

# the keyIds charon SIDE got PPKs for, in order
ppk_key_ids() {
	sed -n "s/.*SKIP: got [0-9]* bit PPK with keyId \([0-9A-Fa-f]*\) .*/\1/p" \
		"$OUT/$1/charon.log"
}

# the last keyId charon SIDE got a PPK for
ppk_key_id() {
	ppk_key_ids "$1" | tail -n 1
}

# initiate [SIDE [CONNECTION]]: initiate a connection (default: a, "skip")
initiate() {
	local s=${1:-a} conn=${2:-skip}
	swanctl "$s" --initiate --ike "$conn" --child net --timeout 20 \
		> "$OUT/initiate-$s-$conn.out" 2>&1
}

# has TEXT REGEX: TEXT has a line matching REGEX. Not "echo | grep -q":
# bash's echo writes line by line, and with pipefail the pipeline fails
# when grep -q exits on a match before echo is done (SIGPIPE), which a
# loaded machine makes likely.
has() {
	grep -Eq -- "$2" <<< "$1"
}

# list_sas SIDE [CONNECTION]: swanctl --list-sas, also kept in OUT
list_sas() {
	local s=$1 conn=${2:-}
	swanctl "$s" --list-sas ${conn:+--ike "$conn"} 2>&1 | tee "$OUT/$s/list-sas.out"
}

# expect_ppk_sa SIDE [CONNECTION]: an established IKE_SA that uses a PPK,
# with an installed CHILD_SA
expect_ppk_sa() {
	local sas
	sas=$(list_sas "$1" "${2:-skip}")
	has "$sas" "ESTABLISHED" || fail "no established IKE_SA on $1"
	has "$sas" "/PPK$" || fail "IKE_SA on $1 does not use a PPK"
	has "$sas" "INSTALLED" || fail "no installed CHILD_SA on $1"
}

# expect_sa_without_ppk SIDE [CONNECTION]: established, but without PPK
expect_sa_without_ppk() {
	local sas
	sas=$(list_sas "$1" "${2:-skip}")
	has "$sas" "ESTABLISHED" || fail "no established IKE_SA on $1"
	! has "$sas" "/PPK$" || fail "IKE_SA on $1 unexpectedly uses a PPK"
	has "$sas" "INSTALLED" || fail "no installed CHILD_SA on $1"
}

expect_no_sa() {
	! has "$(list_sas "$1")" "ESTABLISHED|INSTALLED" ||
		fail "charon $1 has an established SA"
}

# expect_ping [INDEX]: traffic from the subnet behind a to the one behind b
# crosses the tunnel of connection INDEX (default 0)
expect_ping() {
	local i=${1:-0}
	in_ns a ping -c 3 -i 0.2 -W 2 -I "$NET_a.$i.1" "$NET_b.$i.1" > "$OUT/ping.out" 2>&1 ||
		fail "ping $NET_a.$i.1 -> $NET_b.$i.1 through the tunnel failed"
	local packets
	packets=$(swanctl b --list-sas | sed -n 's/^ *in .*, *\([0-9]*\) packets.*/\1/p' |
		sort -n | tail -n 1)
	[ "${packets:-0}" -ge 3 ] || fail "responder's CHILD_SA counted ${packets:-0} inbound packets"
}

# drop_first_ike SIDE EXCHANGE request|response: SIDE's namespace drops the
# first IKE message of exchange type EXCHANGE (35: IKE_AUTH) it sends to
# UDP port 4500 (behind the 4-byte non-ESP marker of NAT-T), once; those
# that follow, retransmissions included, pass. The rule's counter is in
# `in_ns SIDE nft list ruleset` (dropped_ike shows it).
drop_first_ike() {
	local s=$1 exchange=$2 flag=0 match
	[ "$3" = response ] && flag=0x20
	match="udp dport 4500 @th,64,32 0 @th,240,8 $exchange @th,248,8 & 0x20 == $flag"
	in_ns "$s" nft -f - <<-EOF
	table inet skiptest {
		set dropped { type inet_service; flags dynamic; }
		chain out {
			type filter hook output priority 0; policy accept;
			$match udp dport @dropped accept
			$match add @dropped { udp dport } counter drop
		}
	}
	EOF
}

# dropped_ike SIDE: how many packets drop_first_ike dropped
dropped_ike() {
	in_ns "$1" nft list chain inet skiptest out |
		sed -n 's/.*counter packets \([0-9]*\) .*drop.*/\1/p'
}

# keys the KP of a side delivered to its gateway
kp_delivered() {
	grep -Ec "delivered (new )?key" "$OUT/kp-$1.log" || true
}

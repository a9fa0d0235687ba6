# End-to-end scenarios (sourced by run.sh) with a Key Provider that hangs:
# what it costs the gateway's other tunnels. charon's IKE_SA reuse check
# (charon.reuse_ikesa, on by default) waits for every IKE_SA another thread
# holds, so an initiation waits for an IKE_SA whose worker waits for the KP.

# --- helpers ------------------------------------------------------------------

# kp_faults SIDE SPEC: replace the faults of a side's KP (started with
# --test-mode), as its gateway's client certificate
kp_faults() {
	local s=$1
	in_ns "$s" curl -sS --fail --max-time 5 --cacert "$OUT/cred/ca.pem" \
		--cert "$OUT/cred/gw-$s.pem" --key "$OUT/cred/gw-$s.key" \
		--data "$2" "https://127.0.0.1:$KP_PORT/test/faults" > /dev/null ||
		fail "could not set the faults of KP $s"
}

# announced_since N: a logged more than N IKE_SA_INIT responses from Bob
announced_since() {
	[ "$(log_count a "peer announced system ID 'Bob'")" -gt "$1" ]
}

# plain_during_skip CONNECTION [up]: initiate a's SKIP connection
# CONNECTION, and once its IKE_SA_INIT response came (its worker asks the KP
# next) the connection "plain" (no PPK, same peer); prints how long "plain"
# took (ms). The SKIP IKE_SA must fail (the KP hangs), or with "up" come up
# (a key was kept ready); either way it ends terminated.
plain_during_skip() {
	local conn=$1 up=${2:-} n p ms
	n=$(log_count a "peer announced system ID 'Bob'")
	initiate a "$conn" & p=$!
	wait_for "the IKE_SA_INIT response of $conn" 10 announced_since "$n"
	ms=$(now_ms)
	initiate a plain || fail "the tunnel without PPK did not come up"
	ms=$(( $(now_ms) - ms ))
	swanctl a --terminate --ike plain > /dev/null 2>&1 ||
		fail "could not terminate the tunnel without PPK"
	if [ -n "$up" ]; then
		wait "$p" || fail "$conn did not come up with the key kept ready"
		swanctl a --terminate --ike "$conn" > /dev/null 2>&1 ||
			fail "could not terminate $conn"
	else
		! wait "$p" || fail "$conn came up while its KP hung"
	fi
	echo "$ms"
}

# --- a KP that hangs --------------------------------------------------------------

# a's KP hangs (answers every request 6 s late) while SKIP tunnels
# are initiated, with default charon settings; meanwhile a tunnel without
# PPK to the same peer is initiated. Side by side, one profile with
# fail_fast = no (what the plugin did before) and one with the defaults,
# both on the same KP: the first key request of each waits its budget,
# and so does the tunnel without PPK; once the KP is known not to answer,
# the default profile's next IKE_SA fails at once and the tunnel without
# PPK comes up in milliseconds, while fail_fast = no waits again. A third
# profile with prefetch had a key ready from an earlier IKE_SA: its first
# IKE_SA comes up without waiting; the replacement it asks for finds the
# KP hanging in the background, so its next one fails at once.
scenario_kp_hang_other_tunnels() {
	local s old1 old2 new1 new2 pre1 pre2
	for s in a b; do
		eval "EXTRA_CONNS_$s=\"\$(PPK_ID_$s=none connection plain 5)\""
	done
	CONNS_a=3
	CONNS_b=3
	# each failed IKE_SA stays half-open on b: no cookies or blocking
	CHARON_OPTIONS_b="cookie_threshold_ip = 100
		block_threshold = 101"
	KP_PROFILES_a="$(s=a kp_profile local $KP_PORT "connections = skip2")
$(s=a kp_profile old $KP_PORT "connections = skip1
					fail_fast = no")
$(s=a kp_profile pre $KP_PORT "connections = skip3
					prefetch = 60s")"
	netns_up
	make_credentials
	kp_start a --test-mode
	kp_start b
	charons_up
	for p in old pre; do
		wait_for "charon a learned the system ID of KP '$p'" 10 \
			log_has a "SKIP KP '$p' at .* local system ID"
	done
	# the first IKE_SA of the prefetch profile fetches its own key, and
	# one is kept ready for the next
	initiate a skip3 || fail "no tunnel with prefetch"
	swanctl a --terminate --ike skip3 > /dev/null 2>&1
	wait_for "a key kept ready" 10 log_has a "SKIP KP 'pre': prefetched a key"
	kp_faults a latency=6000
	old1=$(plain_during_skip skip1)
	old2=$(plain_during_skip skip1)
	new1=$(plain_during_skip skip2)
	new2=$(plain_during_skip skip2)
	pre1=$(plain_during_skip skip3 up)
	wait_for "the replacement of the prefetched key to time out" 10 \
		log_has a "SKIP KP 'pre' did not answer in time"
	pre2=$(plain_during_skip skip3)
	echo "non-PPK initiation while the KP hangs (ms), first key request / KP known not to answer:"
	echo "  fail_fast = no: $old1 / $old2"
	echo "  default:        $new1 / $new2"
	echo "  prefetch = 60s: $pre1 / $pre2"
	[ "$old2" -ge 1000 ] || fail "with fail_fast = no the tunnel without PPK took only $old2 ms: no stall measured"
	[ "$new2" -lt 1000 ] || fail "the tunnel without PPK took $new2 ms while the KP was known not to answer"
	[ "$pre1" -lt 1000 ] || fail "the tunnel without PPK took $pre1 ms while a key was kept ready"
	[ "$pre2" -lt 1000 ] || fail "the tunnel without PPK took $pre2 ms after the prefetch found the KP hanging"
	expect_log a "SKIP KP 'pre': using the prefetched key"
	skip_status a > "$OUT/a/status.out" || fail "no status from a's plugin"
	grep -A2 "^  local " "$OUT/a/status.out" | grep -q "key requests fail at once" ||
		fail "the status view does not say that KP 'local' is refused"
	grep -A3 "^  pre " "$OUT/a/status.out" | grep -q "prefetch: 0 keys ready, 1 used" ||
		fail "the status view does not show the prefetched key used"
	[ "$(ppk_key_ids a | sort -u | wc -l)" = 2 ] || fail "expected 2 keys on a (skip3 twice)"
	[ "$(ppk_key_ids a | tail -n 1)" = "$(ppk_key_id b)" ] || fail "the prefetched key was not the peer's"
	expect_log a "SKIP KP 'local' did not answer in time: key requests to it fail at once"
	expect_log a "SKIP: KP 'local' provided no PPK .*not asked: KP 'local' did not answer in time"
	expect_no_log a "SKIP KP 'old' did not answer in time"
	echo "KP hangs: a tunnel without PPK waits $old2 ms with fail_fast = no, $new2 ms by default once the KP is known not to answer, $pre1 ms with a prefetched key"
}

# End-to-end scenarios (sourced by run.sh). Each scenario_NAME runs in its
# own subshell with a fresh test bed; "fail" ends it, its last line of output
# is the result shown. The comment above each function describes it.

# --- helpers ------------------------------------------------------------------

# initiate, then prove both sides mixed the same dynamic PPK into the IKE_SA
# and that traffic crosses the tunnel
expect_dynamic_ppk_tunnel() {
	local ka kb
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	ka=$(ppk_key_id a)
	kb=$(ppk_key_id b)
	[ -n "$ka" ] || fail "initiator logged no PPK from its KP"
	[ "$ka" = "$kb" ] || fail "keyIds differ: initiator $ka, responder ${kb:-none}"
	expect_log a "sending keyId $ka in PPK_IDENTITY"
	expect_log b "received keyId $ka in PPK_IDENTITY"
	expect_log a "using PPK for PPK_ID"
	expect_log b "using PPK for PPK_ID '$ka'"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "tunnel up with dynamic PPK keyId $ka"
}

# Bob's gateway KP (API on 127.0.0.1:8443) receives no keys: a second KP
# with Bob's system ID (API on 8444, not used by the gateway) takes Alice's
# synchronization
testbed_with_diverted_sync() {
	netns_up
	make_credentials
	kp_start a
	kp_start b --sync-listen "$KADDR_b:$((SYNC_PORT + 1))"
	kp_start_as kp-b-sync b --listen "127.0.0.1:$((KP_PORT + 1))"
	charons_up
}

# the IKE_AUTH exchange failed: no SA on either side (the responder may
# need a moment to tear down what it had)
expect_failed_on_both() {
	! initiate || fail "an IKE_SA came up"
	expect_no_sa a
	wait_for "responder to drop its SA" 5 sh -c \
		"! STRONGSWAN_CONF='$OUT/b/strongswan.conf' '$SW_SWANCTL' --list-sas | grep -q ESTABLISHED"
}

# --- both sides SKIP ------------------------------------------------------------

# both gateways require a dynamic PPK; plugins reach their KPs with TLS-PSK
scenario_dynamic_ppk_psk() {
	testbed_up psk
	expect_dynamic_ppk_tunnel
}

# the same with certificate authentication between plugins and KPs
scenario_dynamic_ppk_cert() {
	testbed_up cert
	expect_dynamic_ppk_tunnel
}

# --- a KP fails, the PPK is required --------------------------------------------

# the initiator's KP is down: IKE_AUTH fails with a clear log line, no SA
scenario_initiator_kp_down() {
	testbed_up psk
	kp_stop a
	expect_failed_on_both
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': KP unreachable"
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] .* connection 'skip' requires one"
	expect_log a "PPK required but no PPK found"
	expect_no_log b "SKIP: got .* PPK"
	echo "IKE_AUTH refused without the initiator's KP, no SA"
}

# the responder's KP is down: the responder refuses IKE_AUTH, no SA
scenario_responder_kp_down() {
	testbed_with_diverted_sync
	kp_stop b
	expect_failed_on_both
	expect_log a "SKIP: got 256 bit PPK with keyId"
	expect_log b "SKIP: KP 'local' provided no PPK for peer system ID 'Alice' and keyId [0-9a-f]+: KP unreachable"
	expect_log b "PPK required but no PPK found"
	echo "responder refused IKE_AUTH without its KP, no SA"
}

# the responder's KP does not have the keyId the initiator sent: 400, no SA
scenario_responder_kp_lacks_key() {
	testbed_with_diverted_sync
	expect_failed_on_both
	expect_log b "SKIP: KP 'local' provided no PPK for peer system ID 'Alice' and keyId [0-9a-f]+: KP refused request \(400\) \(.*key not found\)"
	expect_log b "PPK required but no PPK found"
	echo "responder's KP lacks the keyId (400), no SA"
}

# the peer's system ID is not among the remote systems of our KP: the
# initiator fails before asking for a key
scenario_system_id_not_allowed() {
	KP_PEER_a="Carol,$KADDR_b:$SYNC_PORT,$OUT/cred/kp-sync.psk"
	testbed_up psk
	expect_failed_on_both
	expect_log a "peer system ID 'Bob' is not among the remote systems of KP 'local'"
	[ "$(kp_delivered a)" = 0 ] || fail "KP a delivered a key for a peer it does not share keys with"
	echo "peer system ID refused by the KP's capabilities, no key requested, no SA"
}

# the plugin's PSK does not match the KP's: TLS fails, no system ID, no SA
scenario_tls_psk_mismatch() {
	netns_up
	make_credentials
	kp_start a
	kp_start b
	KP_PROFILES_a=$(s=a kp_profile local $KP_PORT)
	KP_PROFILES_a=${KP_PROFILES_a/gw-a.psk/other.psk}
	WAIT_KP_a=none
	charons_up
	wait_for "TLS failure logged" 5 log_has a "SKIP KP 'local': capabilities \(health check\) failed: TLS failure"
	expect_failed_on_both
	expect_log a "system ID of KP 'local' not known yet"
	expect_log a "SKIP: KP 'local' provided no PPK|SKIP: no dynamic PPK for IKE_SA"
	echo "TLS-PSK mismatch with the KP: TLS failure logged, no SA"
}

# --- the PPK is optional ----------------------------------------------------------

# optional PPK, the initiator's KP is down: both continue without PPK, and
# the initiator says so loudly
scenario_optional_ppk_initiator_kp_down() {
	PPK_REQUIRED_a=no
	PPK_REQUIRED_b=no
	testbed_up psk
	kp_stop a
	initiate || fail "initiate failed"
	expect_log a "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK \(.*KP unreachable.*\), connection 'skip' has ppk_required = no"
	expect_sa_without_ppk a
	expect_sa_without_ppk b
	expect_ping
	echo "optional PPK: KP down, tunnel up without PPK, loud warning"
}

# optional PPK, the responder's KP lacks the key: the responder answers the
# initiator's NO_PPK_AUTH and says so loudly
scenario_optional_ppk_responder_no_key() {
	PPK_REQUIRED_a=no
	PPK_REQUIRED_b=no
	testbed_with_diverted_sync
	initiate || fail "initiate failed"
	expect_log a "SKIP: got 256 bit PPK"
	expect_log b "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK"
	expect_sa_without_ppk a
	expect_sa_without_ppk b
	echo "optional PPK: responder without key used NO_PPK_AUTH, loud warning"
}

# --- peers that do not speak SKIP -------------------------------------------------

# our SKIP initiator (PPK required) meets a stock strongSwan with a static
# PPK: it fails and says why
scenario_skip_to_plain_required() {
	PLUGIN_b=no
	PPK_ID_b=static-1
	testbed_up psk
	expect_failed_on_both
	expect_log a "SKIP: peer sent USE_PPK without a system ID, it does not support SKIP"
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(the peer sent USE_PPK without a system ID, it does not support SKIP\), connection 'skip' requires one"
	echo "SKIP initiator refused a plain RFC 8784 peer, with a clear log line"
}

# the same with an optional PPK: it falls back, loudly
scenario_skip_to_plain_optional() {
	PLUGIN_b=no
	PPK_ID_b=static-1
	PPK_REQUIRED_a=no
	PPK_REQUIRED_b=no
	testbed_up psk
	initiate || fail "initiate failed"
	expect_log a "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK \(the peer sent USE_PPK without a system ID, it does not support SKIP\)"
	expect_sa_without_ppk a
	expect_sa_without_ppk b
	echo "SKIP initiator fell back with a plain peer (optional PPK), loud warning"
}

# a stock strongSwan initiator with a static PPK meets our responder on a
# connection that requires a dynamic PPK: refused, even though the
# responder has a static PPK with that ID
scenario_plain_to_skip_required() {
	PLUGIN_a=no
	PPK_ID_a=static-1
	testbed_up psk
	expect_failed_on_both
	expect_log b "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(the peer sent USE_PPK without a system ID, it does not support SKIP\), connection 'skip' requires one"
	expect_no_log b "SKIP: got .* PPK"
	expect_log b "SKIP: connection 'skip' requires a dynamic PPK, but IKE_SA skip\[[0-9]+\] used a PPK that did not come from SKIP, refusing it"
	echo "plain RFC 8784 initiator refused on a dynamic-PPK connection"
}

# a stock strongSwan initiator with a static PPK meets a gateway with the
# plugin loaded and a static-PPK connection for it (next to a dynamic one):
# works exactly as without the plugin
scenario_plain_static_ppk_coexists() {
	PLUGIN_a=no
	PPK_ID_a=static-1
	PPK_ID_b=static-1
	EXTRA_CONNS_b=$(s=b PPK_ID_b=%any connection dynamic 7)
	testbed_up psk
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	expect_log b "using PPK for PPK_ID 'static-1'"
	expect_no_log b "SKIP: got .* PPK"
	expect_no_log b "SKIP: no dynamic PPK"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	# the plugin keeps no state for an IKE_SA that will never use SKIP
	skip_status b --json | jq -e '.memory.sa_states == 0' > /dev/null ||
		fail "b keeps plugin state for the static-PPK IKE_SA"
	echo "static PPK from a plain peer works on a gateway with the plugin"
}

# --- lifecycle ------------------------------------------------------------------

# rekeying the IKE_SA consumes no key and keeps the PPK
scenario_ike_rekey() {
	testbed_up psk
	expect_dynamic_ppk_tunnel > /dev/null
	swanctl a --rekey --ike skip > "$OUT/rekey.out" 2>&1 || fail "rekey failed"
	wait_for "rekeyed IKE_SA" 10 sh -c \
		"STRONGSWAN_CONF='$OUT/a/strongswan.conf' '$SW_SWANCTL' --list-sas --ike skip | grep -q '^skip: #2'"
	[ "$(ppk_key_ids a | wc -l)" = 1 ] || fail "the rekey fetched another key"
	[ "$(kp_delivered a)" = 1 ] && [ "$(kp_delivered b)" = 1 ] ||
		fail "the KPs delivered more than one key"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "IKE rekey: no key consumed, new IKE_SA still /PPK"
}

# reauthentication makes a new IKE_SA with a new key
scenario_reauth() {
	local keys
	testbed_up psk
	expect_dynamic_ppk_tunnel > /dev/null
	swanctl a --rekey --ike skip --reauth > "$OUT/reauth.out" 2>&1 || fail "reauth failed"
	wait_for "second PPK" 10 sh -c "[ \$(grep -c 'SKIP: got' '$OUT/b/charon.log') -ge 2 ]"
	keys=$(ppk_key_ids a | sort -u | wc -l)
	[ "$keys" = 2 ] || fail "expected 2 distinct keyIds on a, got $keys"
	[ "$(ppk_key_ids a | sort | tr '\n' ' ')" = "$(ppk_key_ids b | sort | tr '\n' ' ')" ] ||
		fail "the gateways used different keys"
	wait_for "reauthenticated IKE_SA" 10 sh -c \
		"STRONGSWAN_CONF='$OUT/a/strongswan.conf' '$SW_SWANCTL' --list-sas --ike skip | grep -q ESTABLISHED"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "reauthentication: new IKE_SA with a new keyId $(ppk_key_id a)"
}

# 20 tunnels at once, each with its own keyId; their state is wiped when
# they go
scenario_twenty_tunnels() {
	local i pids=() n
	CONNS_a=20
	CONNS_b=20
	testbed_up psk
	for i in $(seq 20); do
		initiate a "skip$i" &
		pids+=($!)
		# charon's vici socket has a short accept queue
		sleep 0.05
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "an initiation failed"
	done
	n=$(ppk_key_ids a | sort -u | wc -l)
	[ "$n" = 20 ] || fail "expected 20 distinct keyIds, got $n"
	[ "$(ppk_key_ids a | sort | tr '\n' ' ')" = "$(ppk_key_ids b | sort | tr '\n' ' ')" ] ||
		fail "the gateways used different keys"
	for i in $(seq 20); do
		expect_ppk_sa a "skip$i"
	done
	expect_ping 7
	for i in $(seq 20); do
		swanctl a --terminate --ike "skip$i" > /dev/null 2>&1 || fail "terminate skip$i failed"
	done
	for s in a b; do
		wait_for "state of all IKE_SAs wiped on $s" 10 sh -c \
			"grep 'with state remain' '$OUT/$s/charon.log' | tail -n 1 | grep -q ', 0 IKE_SAs'"
		[ "$(log_count "$s" "SKIP: wiped the state of IKE_SA")" = 20 ] ||
			fail "$s did not wipe the state of 20 IKE_SAs"
	done
	echo "20 tunnels at once with 20 keyIds, all state wiped afterwards"
}

# both gateways initiate the same connection at the same time: two IKE_SAs,
# each with its own PPK, the same keyIds on both gateways
scenario_simultaneous_initiation() {
	local pa pb
	# charon's own rules would otherwise decide, by timing, whether there
	# are two IKE_SAs: with IKE_SA reuse a gateway whose initiation comes
	# after the peer's IKE_SA is up asks it for a CHILD_SA (refused by 6.x
	# as a duplicate), and with a uniqueness policy each IKE_AUTH may carry
	# INITIAL_CONTACT, which destroys the receiver's own fresh IKE_SA.
	# Keep both IKE_SAs to check that each has its own PPK.
	CHARON_OPTIONS_a="reuse_ikesa = no"
	CHARON_OPTIONS_b="reuse_ikesa = no"
	UNIQUE_a=never
	UNIQUE_b=never
	testbed_up psk
	initiate a & pa=$!
	initiate b & pb=$!
	wait "$pa" || fail "initiation by a failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	wait "$pb" || fail "initiation by b failed: $(tail -n 3 "$OUT/initiate-b-skip.out")"
	[ "$(ppk_key_ids a | sort | tr '\n' ' ')" = "$(ppk_key_ids b | sort | tr '\n' ' ')" ] ||
		fail "the gateways used different keys"
	[ "$(ppk_key_ids a | sort -u | wc -l)" = 2 ] || fail "expected a key per IKE_SA"
	for s in a b; do
		[ "$(list_sas $s | grep -c ESTABLISHED)" = "$(list_sas $s | grep -c '/PPK$')" ] ||
			fail "an IKE_SA without PPK on $s"
	done
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "simultaneous initiation: both IKE_SAs with their own PPK"
}

# --- what the plugin offers and to whom ------------------------------------------

# the responder has no connection with ppk_id = %any for the peer: it does not
# offer SKIP, so the initiator spends no key, and both say why
scenario_responder_without_skip_connection() {
	PPK_REQUIRED_a=no
	PPK_ID_b=none
	testbed_up psk
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	expect_log b "SKIP: no connection with ppk_id = %any matches IKE_SA .*, not offering SKIP to peer system ID 'Alice'"
	expect_no_log b "sending system ID 'Bob'"
	[ "$(kp_delivered a)" = 0 ] || fail "KP a delivered a key for a gateway that cannot use it"
	# b answers USE_PPK only because of its static PPK secret, without data
	expect_log a "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK \(the peer sent (no USE_PPK|USE_PPK without a system ID)"
	expect_sa_without_ppk a
	echo "no SKIP connection on the responder: not offered, no key spent"
}

# the initiator's profile expects other peers (remote_system_id): it fails
# before any key is requested; a responder profile expecting others does not
# offer SKIP
scenario_remote_system_id_mismatch() {
	netns_up
	make_credentials
	kp_start a
	kp_start b
	KP_PROFILES_a=$(s=a kp_profile local $KP_PORT 'remote_system_id = Carol*')
	charons_up
	expect_failed_on_both
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(.*peer system ID 'Bob' is not among the remote_system_id of KP profile 'local'\), connection 'skip' requires one"
	[ "$(kp_delivered a)" = 0 ] || fail "KP a delivered a key for an unexpected peer"
	# the same on the responder: it does not offer SKIP to Alice
	initiate b || true
	expect_log a "SKIP: none of our KPs \(for the connections that may match\) shares keys with peer system ID 'Bob', not offering SKIP"
	[ "$(kp_delivered b)" = 0 ] || fail "KP b delivered a key for a peer that cannot use it"
	echo "unexpected peer system ID: no key requested, SKIP not offered"
}

# a plain RFC 8784 initiator without PPK meets a connection with ppk_id = %any
# and ppk_required = no: the IKE_SA comes up without PPK and the responder
# says so loudly
scenario_plain_to_skip_optional() {
	PLUGIN_a=no
	PPK_ID_a=none
	PPK_REQUIRED_b=no
	testbed_up psk
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	expect_log b "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK \(.*\), connection 'skip' has ppk_required = no"
	expect_sa_without_ppk b
	echo "plain initiator without PPK on an optional SKIP connection: loud warning"
}

# the initiator sends the keyId as raw bytes (ppk_id_format = raw): the
# responder reads it as such and asks its KP for the hex form
scenario_ppk_id_raw() {
	local ka
	netns_up
	make_credentials
	kp_start a
	kp_start b
	KP_PROFILES_a=$(s=a kp_profile local $KP_PORT 'ppk_id_format = raw')
	charons_up
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	ka=$(ppk_key_id a)
	[ -n "$ka" ] || fail "initiator logged no PPK from its KP"
	expect_log a "sending keyId $ka in PPK_IDENTITY as raw bytes"
	expect_log b "received keyId ${ka,,} in PPK_IDENTITY as raw bytes"
	[ "$(ppk_key_id b)" = "${ka,,}" ] || fail "responder got keyId $(ppk_key_id b), not ${ka,,}"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "keyId $ka sent as raw bytes, same PPK on both sides"
}

# skip-client status shows what the plugins did: KP health, counters equal to
# what the logs say, each IKE_SA with its peer system ID and keyId, no key
scenario_status_view() {
	local ka st key s
	netns_up
	make_credentials
	kp_start a --test-mode --test-key-log "$OUT/keys-a.testlog"
	kp_start b --test-mode --test-key-log "$OUT/keys-b.testlog"
	charons_up
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	ka=$(ppk_key_id a)
	[ "$(stat -c %a "$OUT/a/charon.skip")" = 600 ] || fail "the status socket is not root-only"
	# the live IKE_SA on both sides, with its keyId and the peer's system ID
	skip_status a --json > "$OUT/status-a-up.json" || fail "no status from a"
	skip_status b --json > "$OUT/status-b-up.json" || fail "no status from b"
	for s in a b; do
		[ "$(jq -r '[.sas[] | select(.key_id == "'"$ka"'")] | length' "$OUT/status-$s-up.json")" = 1 ] ||
			fail "$s does not show its IKE_SA with keyId $ka"
	done
	[ "$(jq -r '.sas[0].peer_system_id + " " + .sas[0].role' "$OUT/status-a-up.json")" = "Bob initiator" ] ||
		fail "a does not show its peer and role"
	[ "$(jq -r '.sas[0].peer_system_id + " " + .sas[0].role' "$OUT/status-b-up.json")" = "Alice responder" ] ||
		fail "b does not show its peer and role"
	# a second IKE_SA fails: a's KP is down
	swanctl a --terminate --ike skip > /dev/null 2>&1
	kp_stop a
	! initiate || fail "an IKE_SA came up without a's KP"
	st=$(skip_status a --json) || fail "no status from a"
	echo "$st" > "$OUT/status-a.json"
	skip_status a > "$OUT/status-a.txt" || fail "no status table from a"
	skip_status b --json > "$OUT/status-b.json" || fail "no status from b"
	[ "$(jq -r '.counters.keys_new' <<< "$st")" = "$(log_count a 'SKIP: got [0-9]+ bit PPK')" ] ||
		fail "a's keys_new $(jq -r '.counters.keys_new' <<< "$st") does not match its log"
	[ "$(jq -r '.counters.failures["KP unreachable"]' <<< "$st")" = "$(log_count a "provided no PPK .*: KP unreachable")" ] ||
		fail "a's KP unreachable failures do not match its log"
	[ "$(jq -r '.counters.keys_by_id' "$OUT/status-b.json")" = "$(log_count b 'SKIP: got [0-9]+ bit PPK')" ] ||
		fail "b's keys_by_id does not match its log"
	# each KP call that delivered a key was timed, in its direction
	[ "$(jq -r '.kp_calls.initiator.count' <<< "$st")" = "$(jq -r '.counters.keys_new' <<< "$st")" ] ||
		fail "a's timed KP calls do not match its keys_new"
	[ "$(jq -r '.kp_calls.responder.count' "$OUT/status-b.json")" = "$(jq -r '.counters.keys_by_id' "$OUT/status-b.json")" ] ||
		fail "b's timed KP calls do not match its keys_by_id"
	jq -e '.kp_calls.initiator.p50_us > 0 and .kp_calls.initiator.p99_us >= .kp_calls.initiator.p50_us' <<< "$st" > /dev/null ||
		fail "a's KP call percentiles are not plausible"
	# its buckets hold every call, in rising order, p99 at one's bound
	jq -e '.kp_calls.initiator | (.buckets | map(.[1]) | add) == .count
		and (.buckets | map(.[0])) == (.buckets | map(.[0]) | sort)
		and (.p99_us as $p | any(.buckets[]; .[0] == $p) or $p == .max_us)' \
		<<< "$st" > /dev/null || fail "a's KP call buckets do not match its count"
	# the live IKE_SA's state, in bytes
	jq -e '.memory.sa_states == (.sas | length) and .memory.sa_bytes >= .memory.sa_states * .memory.sa_state_size and .memory.sa_state_size > 0' \
		"$OUT/status-b-up.json" > /dev/null || fail "b's state table bytes are not plausible"
	grep -q "KP calls as initiator: 1, p50 [0-9]* us" "$OUT/status-a.txt" ||
		fail "a's table lacks its KP call durations"
	[ "$(jq -r '.kps[0].name + " " + .kps[0].protocol + " " + .kps[0].system_id' <<< "$st")" = "local skip Alice" ] ||
		fail "a's KP profile not shown"
	grep -q "keys fetched: 1 new" "$OUT/status-a.txt" || fail "a's table lacks its counters"
	grep -q "failed KP requests, KP unreachable: 1" "$OUT/status-a.txt" ||
		fail "a's table lacks the failure"
	# no key material in what the socket tells
	[ -s "$OUT/keys-a.testlog" ] || fail "KP a logged no test key"
	for key in $(cut -d' ' -f2 "$OUT"/keys-*.testlog); do
		! grep -qi "$key" "$OUT"/status-* || fail "a key appears in the status"
	done
	echo "status view: IKE_SA with keyId $ka on both sides, counters match the logs"
}

# --- several KPs ------------------------------------------------------------------

# the initiator's first KP is down: its fallback (same system ID) delivers
# within the same budget
scenario_kp_fallback() {
	netns_up
	make_credentials
	kp_start a
	kp_start_as kp-a-backup a --listen "127.0.0.1:$((KP_PORT + 1))" \
		--sync-listen "$KADDR_a:$((SYNC_PORT + 1))"
	kp_start b
	KP_PROFILES_a="$(s=a kp_profile primary $KP_PORT 'fallback = backup')
$(s=a kp_profile backup $((KP_PORT + 1)))"
	WAIT_KP_a=primary
	charons_up
	wait_for "KP 'backup' learned" 10 log_has a "SKIP KP 'backup' at .* local system ID"
	kp_stop a
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	expect_log a "SKIP: KP 'primary' provided no PPK .*, trying the next KP"
	expect_log a "SKIP: got 256 bit PPK with keyId .* from KP 'backup'"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "first KP down, fallback KP delivered the PPK"
}

# a gateway with two KPs: as responder it picks the KP whose capabilities
# share keys with the peer, as initiator the KP its connection names
scenario_kp_choice() {
	netns_up
	make_credentials
	kp_start a
	kp_start b
	kp_start_other b kp-b-carol Bob-C
	KP_PROFILES_b="$(s=b kp_profile carol $((KP_PORT + 1)))
$(s=b kp_profile alice $KP_PORT 'connections = skip')"
	WAIT_KP_b=alice
	charons_up
	wait_for "KP 'carol' learned" 10 log_has b "SKIP KP 'carol' at .* local system ID 'Bob-C'"
	# b answers a with the KP that shares keys with Alice
	expect_dynamic_ppk_tunnel > /dev/null
	expect_log b "sending system ID 'Bob' of KP 'alice' in USE_PPK"
	expect_log b "SKIP: got 256 bit PPK with keyId .* from KP 'alice'"
	swanctl a --terminate --ike skip > /dev/null 2>&1
	# b initiates with the KP its connection names (not the first profile)
	initiate b || fail "initiation by b failed: $(tail -n 3 "$OUT/initiate-b-skip.out")"
	[ "$(log_count b "sending system ID 'Bob' of KP 'alice'")" = 2 ] ||
		fail "b did not announce KP 'alice' as initiator"
	expect_no_log b "of KP 'carol' in USE_PPK"
	expect_ppk_sa b
	echo "responder chose its KP by capabilities, initiator by connection"
}

# --- many handshakes (also run under valgrind) ----------------------------------

# 30 IKE_SAs one after the other, some failing while the KP is away: each
# uses a fresh key, nothing is left behind
scenario_many_handshakes() {
	local i n
	testbed_up psk
	for i in $(seq 30); do
		if [ "$i" = 11 ]; then
			kp_stop a
		elif [ "$i" = 14 ]; then
			kp_start a
		fi
		if [ "$i" -ge 11 ] && [ "$i" -lt 14 ]; then
			! initiate || fail "handshake $i came up without the initiator's KP"
		else
			initiate || fail "handshake $i failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
			swanctl a --terminate --ike skip > /dev/null 2>&1 || fail "terminate $i failed"
		fi
	done
	n=$(ppk_key_ids a | sort -u | wc -l)
	[ "$n" = 27 ] || fail "expected 27 distinct keyIds, got $n"
	[ "$(ppk_key_ids a | sort | tr '\n' ' ')" = "$(ppk_key_ids b | sort | tr '\n' ' ')" ] ||
		fail "the gateways used different keys"
	# the responder keeps the 3 half-open IKE_SAs until they time out or
	# charon stops: then every IKE_SA's state must be gone
	charon_stop a
	charon_stop b
	for s in a b; do
		grep 'with state remain' "$OUT/$s/charon.log" | tail -n 1 |
			grep -q ', 0 IKE_SAs' || fail "state left on $s"
	done
	[ "$(log_count a "SKIP: wiped the state")" = 30 ] || fail "a did not wipe 30 states"
	[ "$(log_count b "SKIP: wiped the state")" = 30 ] || fail "b did not wipe 30 states"
	echo "30 handshakes (3 refused without KP), 27 keys, all state wiped"
}

# --- time budget ------------------------------------------------------------------

# the initiator's KP answers key requests later than the budget: that IKE_SA
# fails within the budget, while tunnels without PPK and with a static PPK
# keep coming up: those the peer initiates at once, ours within the budget
# (charon's IKE_SA reuse waits for IKE_SAs in use), or at once with
# charon.reuse_ikesa = no
scenario_kp_slower_than_budget() {
	local p t ms reuse
	for s in a b; do
		eval "EXTRA_CONNS_$s=\"\$(PPK_ID_$s=none connection plain 5)
\$(PPK_ID_$s=static-1 connection static 6)
\$(PPK_ID_$s=none connection plain2 7)\""
	done
	CHARON_OPTIONS_a="reuse_ikesa = no"
	netns_up
	make_credentials
	kp_start a --test-mode --test-faults "latency=6000,path=/key"
	kp_start b
	charons_up
	t=$(now_ms)
	initiate a skip & p=$!
	wait_for "the key request" 5 grep -q "GET /key?" "$OUT/kp-a.log"
	ms=$(now_ms)
	initiate b plain || fail "the tunnel without PPK did not come up"
	initiate b static || fail "the static-PPK tunnel did not come up"
	initiate a plain2 || fail "our own tunnel without PPK did not come up"
	ms=$(( $(now_ms) - ms ))
	[ "$ms" -lt 1500 ] || fail "other tunnels took $ms ms while the KP hung"
	! wait "$p" || fail "the dynamic-PPK IKE_SA came up despite the slow KP"
	t=$(( $(now_ms) - t ))
	[ "$t" -lt 4000 ] || fail "the failed IKE_SA took $t ms, beyond the retransmission"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': KP timeout"
	expect_sa_without_ppk b plain
	expect_ppk_sa b static
	expect_sa_without_ppk a plain2
	expect_no_log a "SKIP: got .* PPK"
	echo "KP slower than the budget: failed after $t ms, 3 other tunnels up in $ms ms"
}

# --- faults -----------------------------------------------------------------------

# the initiator's KP is killed while it is asked for a key: the IKE_SA fails
# cleanly; once the KP is back the next one comes up
scenario_kp_killed_during_handshake() {
	local p
	netns_up
	make_credentials
	kp_start a --test-mode --test-faults "latency=1500,path=/key,count=1"
	kp_start b
	charons_up
	initiate & p=$!
	wait_for "the key request" 5 grep -q "GET /key?" "$OUT/kp-a.log"
	kp_kill a
	! wait "$p" || fail "an IKE_SA came up without the key"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob'"
	expect_no_sa a
	kp_start a
	initiate || fail "no tunnel after the KP came back"
	expect_ppk_sa a
	expect_ppk_sa b
	echo "KP killed during a handshake: clean failure, tunnel up once it is back"
}

# both KPs crash and restart between two IKE_SAs: the plugins reconnect
scenario_kp_restart_between_handshakes() {
	testbed_up psk
	expect_dynamic_ppk_tunnel > /dev/null
	swanctl a --terminate --ike skip > /dev/null 2>&1
	kp_kill a
	kp_kill b
	kp_start a
	kp_start b
	initiate || fail "no tunnel after the KPs restarted"
	[ "$(ppk_key_ids a | sort -u | wc -l)" = 2 ] || fail "expected a second key"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "KPs restarted between IKE_SAs: plugins reconnected, new key"
}

# the link between the KPs is cut: no key can be synchronized, so none is
# handed out and IKE_AUTH fails; once the link is back tunnels come up again
scenario_kp_link_cut() {
	testbed_up psk
	kp_link down
	! initiate || fail "an IKE_SA came up while the KPs could not synchronize"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': KP internal error \(500\) .*synchronization failed"
	expect_no_sa a
	[ "$(kp_delivered a)" = 0 ] || fail "KP a handed out an unsynchronized key"
	kp_link up
	initiate || fail "no tunnel after the KP link came back"
	expect_ppk_sa a
	expect_ppk_sa b
	echo "KP link cut: no key handed out, tunnel up once the link is back"
}

# the initiator's "KP" answers garbage (an HTML page): refused, no SA
scenario_kp_answers_garbage() {
	local ns=NS_a
	testbed_up cert
	kp_stop a
	ip netns exec "${!ns}" openssl s_server -quiet -www \
		-accept 127.0.0.1:$KP_PORT -cert "$OUT/cred/kp-a.pem" \
		-key "$OUT/cred/kp-a.key" > "$OUT/garbage-kp.log" 2>&1 &
	PIDS[garbage-kp]=$!
	wait_for "the garbage server" 5 sh -c \
		"ip netns exec '${!ns}' openssl s_client -connect 127.0.0.1:$KP_PORT </dev/null >/dev/null 2>&1"
	! initiate || fail "an IKE_SA came up with a garbage answer"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': invalid KP response"
	expect_no_sa a
	expect_no_sa b
	echo "KP answering garbage: refused with a clear error, no SA"
}

# the initiator's KP delivers a different key than its peer: authentication
# fails on both sides, an IKE_SA never comes up with mismatched keys
scenario_kp_wrong_key() {
	netns_up
	make_credentials
	kp_start a --test-mode --test-faults "wrong-key,path=/key"
	kp_start b
	charons_up
	! initiate || fail "an IKE_SA came up with mismatched keys"
	[ -n "$(ppk_key_id a)" ] && [ "$(ppk_key_id a)" = "$(ppk_key_id b)" ] ||
		fail "both sides should have fetched a key for the same keyId"
	expect_log b "MAC mismatched|verification of AUTH payload .* failed|authentication .* failed"
	expect_no_sa a
	expect_no_sa b
	echo "mismatched keys: authentication failed on both sides, no SA"
}

# the responder's charon crashes while it waits for its KP: the key is
# never used twice, the next IKE_SA gets a new key
scenario_charon_restart_keys_outstanding() {
	local p first
	netns_up
	make_credentials
	kp_start a
	kp_start b --test-mode --test-faults "latency=1500,path=/key/,count=1"
	charons_up
	initiate & p=$!
	wait_for "b to receive the keyId" 5 log_has b "received keyId"
	first=$(sed -n 's/.*received keyId \([0-9a-f]*\) .*/\1/p' "$OUT/b/charon.log")
	charon_kill b
	charon_start b
	wait_for "b's plugin back" 10 sh -c \
		"[ \$(grep -c \"SKIP KP 'local' at\" '$OUT/b/charon.log') -ge 2 ]"
	swanctl a --terminate --ike skip --force > /dev/null 2>&1
	wait "$p" 2>/dev/null || true
	initiate || fail "no tunnel after the responder restarted"
	[ "$(ppk_key_id a)" != "$first" ] || fail "the outstanding key was used again"
	[ "$(ppk_key_id a)" = "$(ppk_key_id b)" ] || fail "the gateways used different keys"
	expect_ppk_sa a
	expect_ppk_sa b
	echo "responder crashed with a key outstanding: next IKE_SA with a new key"
}

# --- secrets ----------------------------------------------------------------------

# every log line of both charons (all groups at level 3, above the plugin's
# highest), both KPs (debug) and every command's output: no PPK, no PSK of
# a gateway or of the KPs, no IKE PSK, no static PPK
scenario_no_secrets_in_logs() {
	local secrets file secret hex found=0
	LOG_LEVEL_a=3
	LOG_LEVEL_b=3
	netns_up
	make_credentials
	kp_start a -v --test-mode --test-key-log "$OUT/keys-a.testlog"
	kp_start b -v --test-mode --test-key-log "$OUT/keys-b.testlog"
	charons_up
	expect_dynamic_ppk_tunnel > /dev/null
	swanctl a --rekey --ike skip --reauth > /dev/null 2>&1
	wait_for "second key" 10 sh -c "[ \$(wc -l < '$OUT/keys-b.testlog') -ge 2 ]"
	list_sas a > /dev/null
	kp_stop a
	! initiate a skip || fail "tunnel without KP"
	[ "$(wc -l < "$OUT/keys-a.testlog")" -ge 2 ] || fail "too few keys to look for"

	secrets=$(cut -d' ' -f2 "$OUT"/keys-*.testlog | sort -u
		cat "$OUT"/cred/*.psk
		echo "${STATIC_PPK#0x}"
		printf 'classic-psk-not-quantum-safe' | od -An -tx1 | tr -d ' \n'; echo)
	for secret in $secrets; do
		# as hex, either case, and as strongSwan's hex dumps print bytes
		for hex in "$secret" "${secret^^}" \
			"$(echo "${secret:0:16}" | sed 's/../& /g; s/ $//')" \
			"$(echo "${secret^^}" | cut -c1-16 | sed 's/../& /g; s/ $//')"; do
			file=$(grep -rlF --exclude-dir=cred --exclude='*.testlog' \
				--exclude=swanctl.conf --exclude=strongswan.conf \
				-e "$hex" "$OUT" | head -n 1 || true)
			if [ -n "$file" ]; then
				echo "secret ${secret:0:8}... found in $file" >&2
				found=1
			fi
		done
	done
	grep -rqF --exclude-dir=cred --exclude=swanctl.conf --exclude='*.testlog' \
		-e "classic-psk-not-quantum-safe" "$OUT" && found=1
	[ "$found" = 0 ] || fail "secrets in logs or outputs"
	echo "$(echo "$secrets" | wc -l) secrets, none in any log or output"
}

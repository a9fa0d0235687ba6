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
	wait_for "TLS failure logged" 5 log_has a "SKIP KP 'local': GET /capabilities failed: TLS failure"
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
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(the peer announced no SKIP system ID in USE_PPK\), connection 'skip' requires one"
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
	expect_log a "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK \(the peer announced no SKIP system ID in USE_PPK\)"
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
	expect_log b "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(the peer announced no SKIP system ID in USE_PPK\), connection 'skip' requires one"
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

# both gateways initiate the same connection at the same time: every IKE_SA
# that comes up uses a PPK, keyIds match
scenario_simultaneous_initiation() {
	local pa pb
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
	KP_PEER_b="Carol,10.98.0.3:$SYNC_PORT,$OUT/cred/kp-sync.psk" \
		kp_start_as kp-b-carol b --system-id Bob-C \
		--listen "127.0.0.1:$((KP_PORT + 1))" \
		--sync-listen "$KADDR_b:$((SYNC_PORT + 1))"
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

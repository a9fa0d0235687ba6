# End-to-end scenarios of key synchronization between the KPs (sourced by
# run.sh, with the helpers of lib.sh and scenarios.sh).

# --- asynchronous KPs -------------------------------------------------------------

# the initiator's KP answers before the key reaches the responder's KP (300 ms later): the responder retries "not found" and both sides use the same keyId
scenario_kp_sync_delayed() {
	local id
	netns_up
	make_credentials
	kp_start a --test-mode --test-faults "sync-delay=300,path=/key"
	kp_start b
	charons_up
	if ! initiate; then
		log_has b "KP refused request \(400\).*key not found" &&
			fail "no tunnel: the responder gave up on its KP's 400 \"key not found\" instead of retrying"
		fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	fi
	id=$(ppk_key_id a)
	[ -n "$id" ] || fail "initiator logged no PPK from its KP"
	grep -q "delivered new key $id .*synchronized in 300 ms" "$OUT/kp-a.log" ||
		fail "KP a did not deliver $id before synchronizing it"
	grep -q "asked for unknown key $id" "$OUT/kp-b.log" ||
		fail "the responder did not ask before its KP had the key"
	[ "$(ppk_key_id b)" = "$id" ] || fail "keyIds differ: initiator $id, responder $(ppk_key_id b)"
	expect_log a "sending keyId $id in PPK_IDENTITY"
	expect_log b "using PPK for PPK_ID '$id'"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "tunnel up with keyId $id although KP b got it 300 ms after KP a answered"
}

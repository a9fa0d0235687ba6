# End-to-end scenarios (sourced by run.sh). Each scenario_NAME runs in its
# own subshell with a fresh test bed; "fail" ends it. The line above each
# function describes it.

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

# the initiator's KP is down: IKE_AUTH fails with a clear log line, no SA
scenario_initiator_kp_down() {
	testbed_up psk
	kp_stop a
	! initiate || fail "an IKE_SA came up without the initiator's KP"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': KP unreachable"
	expect_log a "PPK required but no PPK found"
	expect_no_log b "SKIP: got .* PPK"
	expect_no_sa a
	expect_no_sa b
	echo "IKE_AUTH refused without the initiator's KP, no SA"
}

# initiate, then prove both sides mixed the same dynamic PPK into the IKE_SA
# and that traffic crosses the tunnel
expect_dynamic_ppk_tunnel() {
	local ka kb
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate.out")"
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

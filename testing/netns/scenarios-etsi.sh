# End-to-end scenarios (sourced by run.sh) with ETSI GS QKD 014 as the key
# source: each gateway is an SAE (its client certificate, CN gw-a / gw-b),
# its KP the KME (the reference KP serves ETSI 014 from the same key store).

# --- helpers ------------------------------------------------------------------

# ETSI 014 profiles on both sides; the KPs know both SAEs
etsi_profiles() {
	local s
	for s in a b; do
		local o; o=$(other "$s")
		printf -v "KP_PROFILES_$s" '%s' "$(KP_AUTH_a=cert KP_AUTH_b=cert kp_profile local $KP_PORT \
			"protocol = etsi014
					sae_id = gw-$s
					remote_system_id = ${ETSI_REMOTE:-gw-$o}${ETSI_EXTRA:+
					$ETSI_EXTRA}")"
	done
}

# etsi_testbed [KP-A options]: namespaces, both KPs as KMEs for gw-a and
# gw-b, both charons with ETSI 014 profiles
etsi_testbed() {
	netns_up
	make_credentials
	kp_start a --sae gw-a,Alice --sae gw-b,Bob "$@"
	kp_start b --sae gw-a,Alice --sae gw-b,Bob
	etsi_profiles
	charons_up
}

# --- scenarios ------------------------------------------------------------------

# both gateways get their PPK through ETSI GS QKD 014 (enc_keys on the
# initiator's KME, dec_keys on the responder's), same key_ID, traffic flows
scenario_etsi014_tunnel() {
	local ka
	etsi_testbed
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	ka=$(sed -n "s/.*SKIP: got [0-9]* bit PPK with keyId \([0-9a-f-]*\) .*/\1/p" "$OUT/a/charon.log" | tail -n 1)
	[[ "$ka" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
		fail "initiator's key_ID '$ka' is not a UUID"
	expect_log a "SKIP: sending system ID 'gw-a' of KP 'local' in USE_PPK"
	expect_log b "SKIP: peer announced system ID 'gw-a' in USE_PPK"
	expect_log a "sending keyId $ka in PPK_IDENTITY"
	expect_log b "received keyId $ka in PPK_IDENTITY"
	expect_log b "SKIP: got 256 bit PPK with keyId $ka from KP 'local' for peer system ID 'gw-a'"
	expect_ppk_sa a
	expect_ppk_sa b
	expect_ping
	echo "ETSI 014 tunnel up with key_ID $ka"
}

# the initiator's KME does not know its SAE certificate: its health check
# (status) is refused, so the gateway does not offer a key source it cannot
# use; without a status check (peers as globs), enc_keys is refused (401):
# either way the required PPK fails closed with the refusal in charon's log
scenario_etsi014_kme_refuses() {
	netns_up
	make_credentials
	# gw-a's certificate is not the one the KME expects for SAE gw-a
	kp_start a --sae gw-a,Alice,cert:/CN=someone-else --sae gw-b,Bob
	kp_start b --sae gw-a,Alice --sae gw-b,Bob
	etsi_profiles
	WAIT_KP_a=none
	charons_up
	wait_for "refused health check" 10 log_has a "SKIP KP 'local': capabilities \(health check\) failed: KP refused client \(.*HTTP 401"
	expect_failed_on_both
	expect_log a "SKIP: system ID of KP 'local' not known yet"
	# no status check: the refusal comes with the key request
	charon_stop a
	ETSI_REMOTE="gw-*"
	etsi_profiles
	charon_conf a
	charon_start a
	wait_for "charon a learned its SAE ID" 10 log_has a "SKIP KP 'local' at .* local system ID 'gw-a'"
	expect_failed_on_both
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(KP refused client: .*401.*\), connection 'skip' requires one"
	echo "KME refused the SAE (401): status and enc_keys refused, no SA"
}

# the initiator's KME has no keys (503): fails closed, the reason logged
scenario_etsi014_exhausted() {
	etsi_testbed --test-mode --test-faults "status=503,path=/api/v1/keys/gw-b/enc_keys"
	expect_failed_on_both
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(.*(503|unavailable).*\), connection 'skip' requires one"
	echo "KME exhausted (503): no SA"
}

# the initiator's KME answers later than the budget: that IKE_SA fails within
# the budget
scenario_etsi014_slow() {
	local t0 ms
	ETSI_EXTRA="timeout = 1"
	etsi_testbed --test-mode --test-faults "latency=3000,path=/api/v1/keys/gw-b/enc_keys"
	t0=$(now_ms)
	expect_failed_on_both
	ms=$(( $(now_ms) - t0 ))
	expect_log a "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(.*timeout.*\), connection 'skip' requires one"
	echo "KME slower than the budget: no SA, failed after $ms ms"
}

# the responder's KME does not have the key_ID (the key went elsewhere): the
# responder retries "not found" within its budget, then refuses
scenario_etsi014_unknown_key_id() {
	netns_up
	make_credentials
	kp_start a --sae gw-a,Alice --sae gw-b,Bob
	kp_start b --sae gw-a,Alice --sae gw-b,Bob --sync-listen "$KADDR_b:$((SYNC_PORT + 1))"
	kp_start_as kp-b-sync b --listen "127.0.0.1:$((KP_PORT + 1))" \
		--sae gw-a,Alice --sae gw-b,Bob
	etsi_profiles
	charons_up
	expect_failed_on_both
	expect_log a "SKIP: got 256 bit PPK with keyId"
	expect_log b "SKIP: no dynamic PPK for IKE_SA skip\[[0-9]+\] \(.*not found.*\), connection 'skip' requires one"
	echo "responder's KME lacks the key_ID: no SA"
}

# optional PPK: the initiator's KME refuses, the tunnel comes up without PPK
# and both gateways say so loudly
scenario_etsi014_optional() {
	PPK_REQUIRED_a=no
	PPK_REQUIRED_b=no
	etsi_testbed --test-mode --test-faults "status=503,path=/api/v1/keys/gw-b/enc_keys"
	initiate || fail "initiate failed: $(tail -n 3 "$OUT/initiate-a-skip.out")"
	expect_log a "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK"
	expect_log b "SKIP: WARNING: IKE_SA skip\[[0-9]+\] continues WITHOUT a post-quantum PPK"
	expect_sa_without_ppk a
	expect_sa_without_ppk b
	echo "optional PPK: KME refused, tunnel up without PPK, loud warnings"
}

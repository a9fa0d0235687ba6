# End-to-end scenarios of DSKE: the two KPs establish each PPK through three
# Security Hubs (skip-hub) with k = 2 instead of their direct link (sourced
# by run.sh, with the helpers of lib.sh and scenarios.sh). The hubs run in
# namespace a on the KPs' link (10.98.0.1:7141..7143): KP a reaches them
# locally, KP b over the link.

DSKE_HUBS=3
DSKE_K=2
SKIP_HUB=$SKIP_BUILD/testing/hub/skip-hub
[ "${SKIP_INSTALLED:-0}" = 1 ] && SKIP_HUB=/usr/sbin/skip-hub

# the registration bundle of the hubs and both KPs (10000 words per table)
dske_bundle() {
	local names="" i
	for i in $(seq $DSKE_HUBS); do
		names="$names${names:+,}hub$i"
	done
	"$SKIP_HUB" bundle --hubs "$names" --clients kp-a,kp-b --words 10000 \
		--out "$OUT/dske" > "$OUT/bundle.log" 2>&1 || fail "skip-hub bundle failed"
}

# hub_start INDEX [skip-hub options]: start hub INDEX in namespace a
hub_start() {
	local i=$1 ns=NS_a; shift
	ASAN_OPTIONS=$(sanitizer_options "$OUT/hub$i.sanitizer") \
	UBSAN_OPTIONS=$(sanitizer_options "$OUT/hub$i.sanitizer") \
	ip netns exec "${!ns}" "$SKIP_HUB" --name "hub$i" \
		--listen "$KADDR_a:$((7140 + i))" \
		--clients-dir "$OUT/dske/hub$i/clients" \
		--state-dir "$OUT/dske/hub$i/state" -v "$@" >> "$OUT/hub$i.log" 2>&1 &
	PIDS[hub$i]=$!
	wait_for "hub$i ready" 5 grep -q "\[info\] ready" "$OUT/hub$i.log"
}

hub_kill() {
	kill_pid "hub$1"
}

# dske_kp_start SIDE [skip-kp options]: a KP whose only peer is the other
# side's KP, through all hubs
dske_kp_start() {
	local s=$1 o i opts=(); shift
	o=$(other "$s")
	for i in $(seq $DSKE_HUBS); do
		opts+=(--dske-hub "hub$i,$KADDR_a:$((7140 + i)),$i,$OUT/dske/kp-$s/hubs/hub$i")
	done
	local osid=SID_$o
	KP_PEER_a=none KP_PEER_b=none kp_start "$s" "${opts[@]}" \
		--dske-peer "${!osid},kp-$o,$DSKE_K" --test-mode \
		--test-key-log "$OUT/keys-$s.testlog" "$@"
}

# dske_testbed_up [HUB-FAULT]: namespaces, credentials, bundle, the hubs
# (hub 1 with the given skip-hub test fault), both KPs and both charons
dske_testbed_up() {
	local fault=${1:-} i
	netns_up
	make_credentials
	dske_bundle
	for i in $(seq $DSKE_HUBS); do
		if [ "$i" = 1 ] && [ -n "$fault" ]; then
			hub_start "$i" --test-mode --test-faults "$fault"
		else
			hub_start "$i"
		fi
	done
	dske_kp_start a
	dske_kp_start b
	charons_up
}

# expect_same_ppk ID: both KPs handed out the same key under keyId ID
expect_same_ppk() {
	local id=$1 ka kb
	ka=$(sed -n "s/^$id //p" "$OUT/keys-a.testlog")
	kb=$(sed -n "s/^$id //p" "$OUT/keys-b.testlog")
	[ -n "$ka" ] || fail "KP a handed out no key $id"
	[ -n "$kb" ] || fail "KP b handed out no key $id"
	[ "$ka" = "$kb" ] || fail "the KPs handed out different keys for $id"
}

# expect_dske_tunnel [CONNECTION]: a tunnel whose PPK both KPs established
# through the hubs, the same keyId and key on both sides
expect_dske_tunnel() {
	local conn=${1:-skip} id
	initiate a "$conn" || fail "initiate $conn failed: $(tail -n 3 "$OUT/initiate-a-$conn.out")"
	id=$(ppk_key_id a)
	[ -n "$id" ] || fail "initiator logged no PPK from its KP"
	[ "$(ppk_key_id b)" = "$id" ] || fail "keyIds differ: initiator $id, responder $(ppk_key_id b)"
	grep -q "DSKE: key $id for 'Bob' acknowledged by" "$OUT/kp-a.log" ||
		fail "KP a did not make $id through the hubs"
	grep -q "stored key $id .* rebuilt from its DSKE hubs" "$OUT/kp-b.log" ||
		fail "KP b did not rebuild $id from the hubs"
	expect_same_ppk "$id"
	expect_ppk_sa a "$conn"
	expect_ppk_sa b "$conn"
	echo "$id"
}

# --- scenarios ------------------------------------------------------------------

# DSKE, three hubs, k = 2: the tunnel comes up with a PPK both KPs established through the hubs (same keyId and key)
scenario_dske_tunnel() {
	local id
	dske_testbed_up
	id=$(expect_dske_tunnel)
	expect_ping
	echo "tunnel up with DSKE keyId $id through 3 hubs, k = 2"
}

# DSKE with one of three hubs down: k = 2 hubs suffice, the tunnel comes up
scenario_dske_hub_down() {
	local id
	dske_testbed_up
	hub_kill 2
	id=$(expect_dske_tunnel)
	grep -q "hub 'hub2'.*Connection refused" "$OUT/kp-a.log" ||
		fail "KP a did not notice hub2 down"
	echo "hub2 down: tunnel up with keyId $id from hubs 1 and 3"
}

# DSKE with a hub corrupting the shares it relays (under valid tags): outvoted by the secret tag, never a wrong PPK; with the liar and one honest hub only, no key and no tunnel
scenario_dske_hub_corrupt() {
	local id
	dske_testbed_up corrupt
	id=$(expect_dske_tunnel)
	hub_kill 3
	swanctl a --terminate --ike skip > /dev/null 2>&1
	! initiate || fail "an IKE_SA came up with only a lying hub and one honest one"
	grep -q "pass the secret tag" "$OUT/kp-b.log" ||
		fail "KP b did not reject the lying hub's share"
	[ "$(grep -c . "$OUT/keys-b.testlog")" = 1 ] ||
		fail "KP b handed out a key it could not validate"
	# the first request fails the tag (503), the shares are delivered then:
	# retries find no key (400)
	expect_log b "SKIP: KP 'local' provided no PPK for peer system ID 'Alice'"
	grep -q "key .* from 'Alice' not available: 2 valid DSKE share(s) of 3 hubs, none rebuilt the key" "$OUT/kp-b.log" ||
		fail "KP b did not refuse the key it could not validate"
	echo "lying hub1 outvoted (keyId $id); with hub3 down its share was rejected, no PPK"
}

# DSKE with two of three hubs down: the initiator's KP fails clearly (503, why) and the required tunnel fails closed with the reason in charon's log
scenario_dske_two_hubs_down() {
	dske_testbed_up
	hub_kill 2
	hub_kill 3
	! initiate || fail "an IKE_SA came up with two of three hubs down"
	expect_log a "SKIP: KP 'local' provided no PPK for peer system ID 'Bob': KP unavailable \(503\).*2 of 3 DSKE hubs failed, 2 needed"
	expect_no_sa a
	[ "$(kp_delivered a)" = 0 ] || fail "KP a handed out a key"
	echo "two hubs down: KP 503 with the reason, no SA"
}

# DSKE with a hub answering with its previous key instruction again: refused (its PSRD range is used, or it is for another key), the key comes from the two others
scenario_dske_hub_replay() {
	local first second
	CONNS_a=2 CONNS_b=2 dske_testbed_up replay
	first=$(expect_dske_tunnel skip1)
	second=$(expect_dske_tunnel skip2)
	[ "$first" != "$second" ] || fail "both tunnels have keyId $first"
	grep -q "key instruction of hub 'hub1' for key $second refused" "$OUT/kp-b.log" ||
		fail "KP b did not refuse hub1's replayed instruction"
	echo "hub1 replayed its instruction for $first when asked for $second: refused, tunnel up"
}

#!/usr/bin/env bash
# usage: scripts/test.sh [TARGET...]
#
# Runs every test: sets up both strongSwan targets (Debian 12's packaged
# charon and sid's upstream release) from Debian's archive, builds the plugin
# for each, then runs
#   - the unit tests (libskip, the notify data, the client against reference
#     and hostile KPs), the plugin's logic against each target's
#     libstrongswan, and the reference KP's conformance tests,
#   - the same with everything built with ASan and UBSan,
#   - each libFuzzer target for a while (SKIP_FUZZ_SECONDS, default 10),
#   - the network-namespace scenarios against each target,
#   - those scenarios again with the plugin and KPs built with ASan and UBSan,
#   - many handshakes with both charons under valgrind memcheck,
#   - the Debian packages (debian12 only, last): built, installed, two
#     scenarios against the installed files, upgraded, purged
#     (scripts/test-deb.sh; leaves build.sh's plugin installed).
# Installs what it needs. Run as root on Debian 12. Exit status 0 only if
# everything passed.
set -uo pipefail
. "$(dirname "$0")/common.sh"
need_root

targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<< "$SKIP_TARGETS"

start=$(now_ms)
failed=()
step() {
	local name=$1 t0; shift
	t0=$(now_ms)
	log "$name"
	if "$@"; then
		log "$name: ok ($(( ($(now_ms) - t0) / 1000 )) s)"
	else
		log "$name: FAILED"
		failed+=("$name")
	fi
}

# check summaries of the unit test programs of a build directory
summaries() {
	grep -hE "^[0-9]+%: Checks" "$1"/testing/unit/skip_unit_tests.log \
		"$1"/testing/plugin/skip_plugin_tests.log \
		"$1"/testing/kp/tests/kp_tests.log \
		"$1"/testing/dske/dske_tests.log \
		"$1"/testing/dske/dske_wire_tests.log \
		"$1"/testing/hub/tests/hub_tests.log 2>/dev/null >&2 || true
}

# shellcheck disable=SC2086
step "install test dependencies" apt_install $SKIP_BUILD_DEPS $SKIP_TEST_DEPS
for target in "${targets[@]}"; do
	step "build for $target" "$SKIP_TOP/scripts/build.sh" "$target"
done

# unit tests do not depend on the strongSwan target: run them in one build
unit_dir=$SKIP_TOP/build/${targets[0]}
step "unit and KP conformance tests" make -C "$unit_dir" -s check
summaries "$unit_dir"
# the plugin's logic tests link against each target's libstrongswan: the
# first target's "make check" ran them, here the others
for target in "${targets[@]:1}"; do
	step "plugin logic tests on $target" make -C "$SKIP_TOP/build/$target" -s \
		check TESTS=testing/plugin/skip_plugin_tests
done
step "build with ASan+UBSan" env SKIP_SANITIZE=1 "$SKIP_TOP/scripts/build.sh" "${targets[0]}"
step "unit and KP conformance tests with ASan+UBSan" \
	make -C "$unit_dir-asan" -s check
summaries "$unit_dir-asan"

step "fuzz targets (${SKIP_FUZZ_SECONDS:-10} s each)" \
	"$SKIP_TOP/testing/fuzz/run.sh" "${SKIP_FUZZ_SECONDS:-10}"

for target in "${targets[@]}"; do
	step "end-to-end scenarios on $target" "$SKIP_TOP/testing/netns/run.sh" "$target"
done
for target in "${targets[@]}"; do
	step "end-to-end scenarios on $target with ASan+UBSan" \
		"$SKIP_TOP/testing/netns/run-sanitized.sh" "$target"
done
for target in "${targets[@]}"; do
	step "many handshakes on $target under valgrind" \
		env SKIP_VALGRIND=1 "$SKIP_TOP/testing/netns/run.sh" "$target" many_handshakes
done
# last: it installs and purges the packages over what build.sh installed
# (and puts that back)
for target in "${targets[@]}"; do
	[ "$target" = debian12 ] || continue
	step "Debian packages (build, install, end to end, upgrade, purge)" \
		"$SKIP_TOP/scripts/test-deb.sh"
done

log "total $(( ($(now_ms) - start) / 1000 )) s"
if [ ${#failed[@]} -gt 0 ]; then
	log "FAILED: ${failed[*]}"
	exit 1
fi
log "all tests passed"

#!/usr/bin/env bash
# usage: scripts/test.sh [TARGET...]
#
# Runs every test: sets up both strongSwan targets (Debian 12's packaged
# charon and sid's upstream release) from Debian's archive, builds the plugin
# for each, runs the unit tests, then the network-namespace end-to-end
# scenarios against each target. Installs what it needs. Run as root on
# Debian 12. Exit status 0 only if everything passed.
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

# shellcheck disable=SC2086
step "install test dependencies" apt_install $SKIP_BUILD_DEPS $SKIP_TEST_DEPS
for target in "${targets[@]}"; do
	step "build for $target" "$SKIP_TOP/scripts/build.sh" "$target"
done

# unit tests do not depend on the strongSwan target: run them in one build
unit_dir=$SKIP_TOP/build/${targets[0]}
step "unit tests" make -C "$unit_dir" -s check
if [ -f "$unit_dir/testing/unit/skip_unit_tests.log" ]; then
	grep -E "^[0-9]+%: Checks" "$unit_dir/testing/unit/skip_unit_tests.log" >&2 || true
fi

step "fuzz targets (${SKIP_FUZZ_SECONDS:-10} s each)" \
	"$SKIP_TOP/testing/fuzz/run.sh" "${SKIP_FUZZ_SECONDS:-10}"

for target in "${targets[@]}"; do
	step "end-to-end scenarios on $target" "$SKIP_TOP/testing/netns/run.sh" "$target"
done

log "total $(( ($(now_ms) - start) / 1000 )) s"
if [ ${#failed[@]} -gt 0 ]; then
	log "FAILED: ${failed[*]}"
	exit 1
fi
log "all tests passed"

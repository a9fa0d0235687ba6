#!/usr/bin/env bash
# usage: scripts/build.sh TARGET
#        SKIP_SANITIZE=1 scripts/build.sh TARGET
#
# Builds libskip, the plugin for one strongSwan target (debian12 or sid),
# the reference KP and the tests in build/TARGET, and installs the plugin and
# its strongswan.d snippet into that target's charon. Sets the target up
# first (scripts/strongswan-TARGET.sh). Idempotent.
#
# With SKIP_SANITIZE=1 everything is built with AddressSanitizer and
# UndefinedBehaviorSanitizer into build/TARGET-asan and nothing is installed
# (testing/netns/run-sanitized.sh installs that plugin for its run).
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

target=${1:?usage: build.sh TARGET}
# shellcheck disable=SC2086
apt_install $SKIP_BUILD_DEPS
"$SKIP_TOP/scripts/strongswan-$target.sh"
target_env "$target"

cd "$SKIP_TOP"
dir=build/$target
flags=()
if [ "${SKIP_SANITIZE:-0}" = 1 ]; then
	dir=build/$target-asan
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	flags=(CFLAGS="-g -O1 -fno-omit-frame-pointer $san" LDFLAGS="$san")
fi
mkdir -p "$dir"
# later changes to configure.ac or Makefile.am are picked up by make itself
if [ ! -x configure ]; then
	log "autoreconf"
	quiet build/autoreconf.log autoreconf -fi
fi
cd "$dir"
if [ ! -f Makefile ] || ! grep -q "^SW_SRC = $SW_SRC\$" Makefile; then
	log "configuring for strongSwan $SW_VERSION ($target)"
	quiet config.out ../../configure \
		--with-strongswan-source="$SW_SRC" \
		--with-strongswan-plugindir="$SW_PLUGINDIR" \
		--with-strongswan-confdir="$SW_CONFDIR" "${flags[@]}"
fi
log "building for strongSwan $SW_VERSION ($target)"
quiet make.out make -j"$(nproc)"
[ "${SKIP_SANITIZE:-0}" = 1 ] && exit 0
quiet install.out make install-pluginLTLIBRARIES install-pluginconfDATA
log "installed libstrongswan-skip.so into $SW_PLUGINDIR"

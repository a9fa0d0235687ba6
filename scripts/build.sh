#!/usr/bin/env bash
# usage: scripts/build.sh TARGET
#
# Builds libskip, the plugin for one strongSwan target (debian12 or sid),
# the reference KP and the tests in build/TARGET, and installs the plugin and
# its strongswan.d snippet into that target's charon. Sets the target up
# first (scripts/strongswan-TARGET.sh). Idempotent.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

target=${1:?usage: build.sh TARGET}
# shellcheck disable=SC2086
apt_install $SKIP_BUILD_DEPS
"$SKIP_TOP/scripts/strongswan-$target.sh"
target_env "$target"

cd "$SKIP_TOP"
mkdir -p "build/$target"
# later changes to configure.ac or Makefile.am are picked up by make itself
if [ ! -x configure ]; then
	log "autoreconf"
	quiet build/autoreconf.log autoreconf -fi
fi
cd "build/$target"
if [ ! -f Makefile ] || ! grep -q "^SW_SRC = $SW_SRC\$" Makefile; then
	log "configuring for strongSwan $SW_VERSION ($target)"
	quiet config.out ../../configure \
		--with-strongswan-source="$SW_SRC" \
		--with-strongswan-plugindir="$SW_PLUGINDIR" \
		--with-strongswan-confdir="$SW_CONFDIR"
fi
log "building for strongSwan $SW_VERSION ($target)"
quiet make.out make -j"$(nproc)"
quiet install.out make install-pluginLTLIBRARIES install-pluginconfDATA
log "installed libstrongswan-skip.so into $SW_PLUGINDIR"

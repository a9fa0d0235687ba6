#!/usr/bin/env bash
# usage: scripts/build-deb.sh
#
# Builds the Debian packages strongswan-skip (the plugin, its strongswan.d
# snippet, skip-client) and skip-kp (the reference KP) with Debian's tools
# (dpkg-buildpackage, debhelper) for Debian 12's packaged strongSwan, into
# build/deb/. Sets the debian12 target up first (scripts/strongswan-debian12.sh):
# the plugin is compiled against its configured source tree (SW_SRC) and the
# package depends on exactly the charon installed here.
#
# The build runs in a copy of the sources (build/deb/src), so that it
# neither configures the work tree nor lets dh_clean loose on build/.
# Unit tests are not run here (DEB_BUILD_OPTIONS=nocheck): scripts/test.sh
# runs them; set SKIP_DEB_CHECK=1 to run them in the package build.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

# shellcheck disable=SC2086
apt_install $SKIP_BUILD_DEPS $SKIP_DEB_DEPS
"$SKIP_TOP/scripts/strongswan-debian12.sh"
target_env debian12

out=$SKIP_TOP/build/deb
cd "$SKIP_TOP"
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src=$out/src/strongswan-skip-$version
rm -rf "$out"
mkdir -p "$src"
# the tracked files and new ones not ignored, as they are in the work tree
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf - | tar -xf - -C "$src"

opts="parallel=$(( $(nproc) < 2 ? $(nproc) : 2 ))"
profiles=()
if [ "${SKIP_DEB_CHECK:-0}" != 1 ]; then
	opts="$opts nocheck"
	profiles=(--build-profiles=nocheck)
fi
log "building Debian packages $version for strongSwan $SW_PACKAGE_VERSION"
(cd "$src" && SW_SRC=$SW_SRC DEB_BUILD_OPTIONS=$opts \
	quiet "$out/build.log" dpkg-buildpackage -b -us -uc "${profiles[@]}")
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out"/
mv "$out"/src/*.ddeb "$out"/ 2>/dev/null || true
rm -rf "$out/src"
log "packages in build/deb: $(cd "$out" && echo *.deb)"

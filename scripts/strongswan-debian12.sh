#!/usr/bin/env bash
# strongSwan target "debian12": Debian 12's packaged charon (5.9.8).
#
# Installs the packaged charon and swanctl, then configures the matching
# Debian source package exactly as debian/rules does, only to get the
# config.h and headers the plugin must be compiled against (Debian builds
# with --enable-mediation, which changes struct layouts; a plugin compiled
# against another configuration crashes this charon).
#
# Idempotent; the configured tree is cached in $SKIP_CACHE/debian12.
# Writes $SKIP_CACHE/debian12/env (see target_env in common.sh).
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

dir=$SKIP_CACHE/debian12
mkdir -p "$dir"

apt_install strongswan-charon strongswan-swanctl strongswan-libcharon \
	libstrongswan-standard-plugins libcharon-extra-plugins dpkg-dev

installed=$(dpkg-query -W -f='${Version}' strongswan-charon)
upstream=${installed%%-*}

# The source of the installed version, or else the newest bookworm source of
# the same upstream release (the archive drops superseded security sources,
# Debian's patches on top of it do not touch the headers the plugin uses).
src_apt_update
srcver=$(src_apt apt-cache showsrc strongswan | awk '/^Version:/ { print $2 }' |
	grep -x -F "$installed" || true)
if [ -z "$srcver" ]; then
	srcver=$(src_apt apt-cache showsrc strongswan | awk '/^Version:/ { print $2 }' |
		grep "^${upstream}-" | sort -V | tail -n 1)
fi
[ -n "$srcver" ] || die "no Debian source package for strongSwan $upstream"

tree=$dir/strongswan-$srcver
if [ ! -f "$tree/.skip-configured" ]; then
	log "strongSwan $installed (Debian 12): configuring source $srcver for its config.h"
	rm -rf "$tree" "$dir/dl"
	src_apt_download "strongswan=$srcver" "$dir/dl"
	quiet "$dir/extract.log" dpkg-source -x "$dir/dl/strongswan_${srcver#*:}.dsc" "$tree"
	# Debian's build dependencies, so that configure accepts Debian's options
	apt_update_once
	quiet "$dir/build-dep.log" env DEBIAN_FRONTEND=noninteractive \
		apt-get build-dep -y -qq --no-install-recommends "$tree"
	# Debian's own configure step (dh_auto_configure with debian/rules' options)
	(cd "$tree" && quiet "$dir/configure.log" debian/rules override_dh_auto_configure)
	grep -qw '^#define ME' "$tree/config.h" ||
		die "configured Debian tree lacks mediation support: not Debian's configuration"
	touch "$tree/.skip-configured"
	rm -rf "$dir/dl"
fi

cat > "$dir/env" <<EOF
SW_TARGET=debian12
SW_VERSION=$upstream
SW_PACKAGE_VERSION=$installed
SW_SRC=$tree
SW_PLUGINDIR=/usr/lib/ipsec/plugins
SW_CONFDIR=/etc/strongswan.d/charon
SW_CHARON=/usr/lib/ipsec/charon
SW_SWANCTL=/usr/sbin/swanctl
EOF
log "target debian12: charon $installed, headers from $tree"

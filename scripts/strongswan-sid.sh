#!/usr/bin/env bash
# strongSwan target "sid": the newest upstream release carried by Debian sid,
# built from its release tarball (the .orig tarball of the source package,
# which is upstream's signed release tarball) into a private prefix.
#
# STRONGSWAN_SID_VERSION pins the upstream version (default 6.1.0); when sid
# no longer carries it, the newest version sid carries is used instead.
#
# Idempotent; source tree and prefix are cached in $SKIP_CACHE/sid, named
# after the configure options.
# Writes $SKIP_CACHE/sid/env (see target_env in common.sh).
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root

pin=${STRONGSWAN_SID_VERSION:-6.1.0}
dir=$SKIP_CACHE/sid
mkdir -p "$dir"

apt_install build-essential pkg-config libssl-dev bzip2 ca-certificates

src_apt_update
versions=$(src_apt apt-cache showsrc strongswan | awk '/^Version:/ { print $2 }' | sort -V)
srcver=$(printf '%s\n' "$versions" | grep "^${pin}-" | tail -n 1 || true)
if [ -z "$srcver" ]; then
	srcver=$(printf '%s\n' "$versions" | tail -n 1)
	log "strongSwan $pin is no longer in sid; using $srcver"
fi
version=${srcver%%-*}
version=${version#*:}

# a minimal charon for the tests: IKEv2, swanctl/vici, OpenSSL crypto,
# ML-KEM (ml: OpenSSL 3.0 has none), EAP-MD5, userspace ESP
# (kernel-libipsec) next to kernel-netlink
options=(--disable-defaults
	--enable-charon --enable-ikev2 --enable-swanctl --enable-vici
	--enable-openssl --enable-nonce --enable-random --enable-pem
	--enable-pkcs1 --enable-pkcs8 --enable-x509 --enable-pubkey
	--enable-constraints --enable-kdf --enable-kernel-netlink
	--enable-kernel-libipsec --enable-socket-default --enable-updown
	--enable-ml --enable-eap-md5
	--with-dev-headers=yes)
# tree and prefix are named after the options: other options build a new
# pair next to the old one, which stays usable until the env file (written
# only once the new build is complete) points elsewhere
hash=$(printf '%s\n' "${options[@]}" | sha256sum | cut -c1-8)
tree=$dir/strongswan-$version-$hash
prefix=$dir/prefix-$version-$hash
if [ ! -f "$prefix/.skip-installed" ]; then
	log "strongSwan $version (sid): building from the release tarball (takes a few minutes)"
	rm -rf "$tree" "$prefix" "$dir/dl-$hash"
	src_apt_download "strongswan=$srcver" "$dir/dl-$hash"
	mkdir -p "$tree"
	tar -xjf "$dir/dl-$hash/strongswan_$version.orig.tar.bz2" -C "$tree" \
		--strip-components=1
	(cd "$tree" && quiet "$tree.configure.log" ./configure --prefix="$prefix" \
		--sysconfdir="$prefix/etc" "${options[@]}")
	(cd "$tree" && quiet "$tree.make.log" make -j"$(nproc)")
	(cd "$tree" && quiet "$tree.install.log" make install)
	touch "$prefix/.skip-installed"
	rm -rf "$dir/dl-$hash"
fi

cat > "$dir/env.new" <<EOF
SW_TARGET=sid
SW_VERSION=$version
SW_PACKAGE_VERSION=$version
SW_SRC=$tree
SW_PLUGINDIR=$prefix/lib/ipsec/plugins
SW_CONFDIR=$prefix/etc/strongswan.d/charon
SW_CHARON=$prefix/libexec/ipsec/charon
SW_SWANCTL=$prefix/sbin/swanctl
EOF
mv "$dir/env.new" "$dir/env"
log "target sid: strongSwan $version in $prefix"

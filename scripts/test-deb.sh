#!/usr/bin/env bash
# usage: scripts/test-deb.sh
#
# Tests the Debian packages on this machine (Debian 12, as root): builds
# them (scripts/build-deb.sh), installs them with apt-get, runs end-to-end
# scenarios against the installed files (SKIP_INSTALLED=1: the packaged
# plugin in charon's plugin directory, /usr/sbin/skip-kp), installs the same
# version again and a newer one (the same packages with a higher version),
# removes and purges them, and checks that no file of theirs is left.
#
# The machine is left as it was: the plugin and strongswan.d snippet that
# scripts/build.sh installed (not owned by any package) are put back right
# after the packages let go of them, and a skip-kp user the test created is
# deleted again (the package itself keeps its user on purge, as Debian does).
set -uo pipefail
. "$(dirname "$0")/common.sh"
need_root

"$SKIP_TOP/scripts/build-deb.sh" || exit 1
target_env debian12
debs=$SKIP_TOP/build/deb
work=$(mktemp -d /tmp/skip-deb-test.XXXXXX)
plugin=$SW_PLUGINDIR/libstrongswan-skip.so
snippet=$SW_CONFDIR/skip.conf
pkgs=(strongswan-skip skip-kp)
errors=0
# t WHAT COMMAND...: a check; its output is shown when it fails
t() {
	local what=$1; shift
	if "$@" > "$work/last.out" 2>&1; then
		echo "ok    $what" >&2
	else
		cat "$work/last.out" >&2
		echo "FAIL  $what" >&2
		errors=$((errors + 1))
	fi
}

apt_deb() { # apt_deb ARGS...: apt-get quietly, non-interactively
	DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0 "$@" \
		> "$work/apt.out" 2>&1 || { cat "$work/apt.out" >&2; return 1; }
}

# what the packages own, with the files the maintainer scripts and systemd
# helpers make, and what the test looks at besides
state_paths() {
	{
		for d in "$debs"/strongswan-skip_*.deb "$debs"/skip-kp_*.deb; do
			dpkg-deb -c "$d" | awk '{ print $6 }' | sed 's,^\.,,; s,/$,,'
		done
		echo /var/lib/skip-kp
		echo /etc/systemd/system/multi-user.target.wants/skip-kp.service
		find /var/lib/systemd/deb-systemd-helper-enabled \
			/var/lib/systemd/deb-systemd-helper-masked -name 'skip-kp*' 2>/dev/null
		find "$SW_CONFDIR" /etc/skip-kp -name '*.dpkg-*' 2>/dev/null
	} | grep -v '^$' | sort -u
}
# snapshot NAME: which of those paths exist, plus the packaging state
snapshot() {
	local p
	for p in $(state_paths) /etc/skip-kp /var/lib/skip-kp; do
		[ -e "$p" ] || [ -L "$p" ] && echo "$p"
	done | grep -v -x -e "$plugin" -e "$snippet" | sort -u > "$work/$1.files"
	dpkg-statoverride --list | grep skip-kp >> "$work/$1.files" || true
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null \
		>> "$work/$1.files" || true
}

# --- before: put aside what scripts/build.sh installed ------------------------
snapshot before
had_user=no; getent passwd skip-kp >/dev/null && had_user=yes
[ -f "$plugin" ] && cp -a "$plugin" "$work/plugin.so"
# an unowned snippet would make dpkg ask about the conffile: set it aside
[ -f "$snippet" ] && mv "$snippet" "$work/snippet.conf"
# put_back FILE SAVED: atomically, as the tests of other builds bind-mount
# their plugin over it
put_back() {
	[ -f "$2" ] || return 0
	cp -a "$2" "$1.skip-test.$$" && mv -f "$1.skip-test.$$" "$1"
}
restore() {
	[ -e "$plugin" ] || put_back "$plugin" "$work/plugin.so"
	[ -e "$snippet" ] || put_back "$snippet" "$work/snippet.conf"
	if [ "$had_user" = no ] && getent passwd skip-kp >/dev/null; then
		userdel skip-kp 2>/dev/null
		getent group skip-kp >/dev/null && groupdel skip-kp
	fi
	return 0
}
trap 'restore; rm -rf "$work"' EXIT

# --- install -------------------------------------------------------------------
t "apt-get install ./strongswan-skip_*.deb ./skip-kp_*.deb" \
	apt_deb install "$debs"/strongswan-skip_*.deb "$debs"/skip-kp_*.deb
t "dpkg --verify: installed files are the packaged ones" dpkg --verify "${pkgs[@]}"
t "the plugin in charon's plugin directory is the package's" \
	test "$(dpkg -S "$plugin" 2>/dev/null)" = "strongswan-skip: $plugin"
t "skip.conf is a conffile" grep -qx " $snippet [0-9a-f]*" \
	<(dpkg-query -W -f='${Conffiles}\n' strongswan-skip)
t "skip-client runs" skip-client --help
t "skip-kp runs" /usr/sbin/skip-kp --help
t "skip-hub runs" /usr/sbin/skip-hub --help
t "system user skip-kp" getent passwd skip-kp
t "/etc/skip-kp is root:skip-kp 0750" \
	test "$(stat -c '%U:%G %a' /etc/skip-kp)" = "root:skip-kp 750"
t "skip-kp.service enabled" test -L /etc/systemd/system/multi-user.target.wants/skip-kp.service

# --- the installed files end to end -------------------------------------------
t "end-to-end scenarios with the installed packages" \
	env SKIP_INSTALLED=1 "$SKIP_TOP/testing/netns/run.sh" debian12 \
	dynamic_ppk_psk etsi014_tunnel
cat "$work/last.out" >&2
snapshot installed
differ() { ! cmp -s "$1" "$2"; }
t "the snapshots see the packages' files" differ "$work/before.files" "$work/installed.files"

# --- the same version again, then a newer one ----------------------------------
t "apt-get install --reinstall (same version)" \
	apt_deb install --reinstall "$debs"/strongswan-skip_*.deb "$debs"/skip-kp_*.deb
snapshot reinstalled
t "same files after reinstalling" diff "$work/installed.files" "$work/reinstalled.files"
# the same packages with a higher version: an upgrade through the
# maintainer scripts
version=$(dpkg-deb -f "$(ls "$debs"/strongswan-skip_*.deb)" Version)
for p in "${pkgs[@]}"; do
	dpkg-deb -R "$debs/${p}_${version}_"*.deb "$work/$p"
	sed -i "s/^Version: .*/Version: $version+upgrade1/" "$work/$p/DEBIAN/control"
	dpkg-deb -b -Zxz -z1 "$work/$p" "$work/${p}_${version}+upgrade1.deb" >/dev/null
	rm -rf "${work:?}/$p"
done
t "apt-get install a newer version (upgrade)" \
	apt_deb install "$work"/strongswan-skip_*.deb "$work"/skip-kp_*.deb
t "upgraded to $version+upgrade1" \
	test "$(dpkg-query -W -f='${Version}' strongswan-skip)" = "$version+upgrade1"
snapshot upgraded
t "same files after upgrading" diff "$work/installed.files" "$work/upgraded.files"

# --- remove, purge ---------------------------------------------------------------
t "apt-get remove" apt_deb remove "${pkgs[@]}"
# the plugin is no package's any more: put back what build.sh installed
put_back "$plugin" "$work/plugin.so"
t "after remove: the conffile stays" test -f "$snippet"
t "after remove: no program, no unit" \
	test ! -e /usr/sbin/skip-kp -a ! -e /usr/sbin/skip-hub -a ! -e /usr/bin/skip-client -a ! -e /lib/systemd/system/skip-kp.service
t "apt-get purge" apt_deb purge "${pkgs[@]}"
put_back "$snippet" "$work/snippet.conf"
snapshot purged
t "after purge: no file of the packages left (compared with before)" \
	diff "$work/before.files" "$work/purged.files"
t "after purge: the state directory is gone" test ! -e /var/lib/skip-kp
t "after purge: the user is kept (Debian practice)" getent passwd skip-kp

restore
t "build.sh's plugin is back" test -f "$plugin"
[ $errors -eq 0 ] || { log "Debian packages: $errors checks failed"; exit 1; }
log "Debian packages: all checks passed"

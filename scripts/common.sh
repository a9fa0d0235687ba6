# Shared helpers for the scripts in this directory (sourced, not run).
#
# SKIP_CACHE is where strongSwan sources, builds and the private apt state
# live: outside the work tree, so a clean checkout reuses them and `git clean`
# never throws away a four-minute strongSwan build.

SKIP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SKIP_CACHE=${SKIP_CACHE:-/var/cache/strongswan-skip}

# the two strongSwan targets (see README.md, "strongSwan targets")
SKIP_TARGETS="debian12 sid"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "$(basename "$0") must run as root (it installs packages, creates network namespaces)"
}

# apt-get update at most once per hour per machine: CI machines start with
# stale lists, developer machines should not refresh on every run
apt_update_once() {
	local stamp=/var/lib/apt/periodic/strongswan-skip-update
	if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		log "apt-get update"
		apt-get update -qq
		mkdir -p "$(dirname "$stamp")" && touch "$stamp"
	fi
}

# install the Debian packages given, skipping those already installed
apt_install() {
	local missing=() p
	for p in "$@"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_update_once
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# A private apt configuration that knows Debian's source packages of bookworm
# and sid, without touching the machine's own sources.list.
SRC_APT_DIR=$SKIP_CACHE/apt
src_apt() {
	local cmd=$1; shift
	"$cmd" -o Dir::Etc::SourceList="$SRC_APT_DIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$SRC_APT_DIR/lists" \
		-o APT::Sandbox::User=root "$@"
}
src_apt_update() {
	local mirror
	mkdir -p "$SRC_APT_DIR/lists/partial"
	# use the Debian mirror this machine is configured with
	mirror=$(apt-get indextargets --format '$(REPO_URI) $(CODENAME) $(LABEL)' \
		'Created-By: Packages' | awk '$2 == "bookworm" && $3 == "Debian" { print $1; exit }')
	[ -n "$mirror" ] || die "no Debian bookworm archive in this machine's apt sources"
	printf 'deb-src %s %s main\n' "$mirror" bookworm "$mirror" sid \
		> "$SRC_APT_DIR/sources.list"
	if [ -z "$(find "$SRC_APT_DIR/lists" -name '*Sources*' -mmin -1440 2>/dev/null)" ]; then
		log "fetching Debian source package lists (bookworm, sid)"
		src_apt apt-get update -qq
	fi
}

# Download a Debian source package (dsc, orig and debian tarballs) into $2.
src_apt_download() {
	local spec=$1 dir=$2
	mkdir -p "$dir"
	(cd "$dir" && src_apt apt-get source -qq --download-only "$spec" >/dev/null)
}

# Run a command with output in a log file; show the tail if it fails.
quiet() {
	local logfile=$1; shift
	if ! "$@" > "$logfile" 2>&1; then
		tail -n 40 "$logfile" >&2
		die "failed: $* (full log: $logfile)"
	fi
}

# target_env TARGET: load the SW_* variables of a strongSwan target set up by
# scripts/strongswan-TARGET.sh
target_env() {
	case "$1" in
		debian12|sid) ;;
		*) die "unknown strongSwan target '$1' (debian12 or sid)" ;;
	esac
	local env=$SKIP_CACHE/$1/env
	[ -f "$env" ] || die "strongSwan target '$1' not set up: scripts/strongswan-$1.sh"
	. "$env"
}

# Debian packages needed to build and test the project (besides strongSwan)
SKIP_BUILD_DEPS="build-essential autoconf automake libtool pkg-config
	libcurl4-openssl-dev libjson-c-dev libssl-dev libevent-dev check
	libsubunit-dev openssl python3 groff-base"
# what scripts/build-deb.sh needs on top of them (Debian's packaging tools)
SKIP_DEB_DEPS="debhelper dpkg-dev fakeroot"
SKIP_TEST_DEPS="iproute2 iputils-ping procps util-linux valgrind clang jq
	libclang-rt-14-dev nftables"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

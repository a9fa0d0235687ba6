#!/usr/bin/env bash
# usage: testing/fuzz/build.sh [OUTDIR]
#
# Builds every libFuzzer target (fuzz_*.c) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into OUTDIR (default build/fuzz), each linked
# with the sources of the code it fuzzes. Installs clang and its runtime
# from Debian's archive if they are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/common.sh"

out=${1:-$SKIP_TOP/build/fuzz}
[ "$(id -u)" != 0 ] || apt_install clang libclang-rt-14-dev $SKIP_BUILD_DEPS
mkdir -p "$out/obj"

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all"
pkgs="libcurl json-c libssl libcrypto libevent libevent_openssl"
cflags="-g -O1 -fno-omit-frame-pointer $sanitize -D_GNU_SOURCE \
	-DPACKAGE_VERSION=\"fuzz\" -DHAVE_JSON_TOKENER_PB=1 \
	-I$SKIP_TOP/src/libskip -I$SKIP_TOP/src/libdske -I$SKIP_TOP/src/plugin \
	-I$SKIP_TOP/testing/kp \
	$(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpthread"

# the code under test, instrumented for coverage but without libFuzzer's main
objs=()
for src in "$SKIP_TOP"/src/libskip/*.c "$SKIP_TOP"/src/libdske/*.c \
		"$SKIP_TOP/src/plugin/skip_wire.c"; do
	obj=$out/obj/$(basename "${src%.c}").o
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	objs+=("$obj")
done
# the reference KP, for its targets (fuzz_kp_request, fuzz_kp_config)
kp_objs=()
for src in "$SKIP_TOP"/testing/kp/kp_*.c; do
	case "$src" in */kp_main.c|*/kp_bench.c) continue ;; esac
	obj=$out/obj/$(basename "${src%.c}").o
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	kp_objs+=("$obj")
done
for src in "$here"/fuzz_*.c; do
	name=$(basename "${src%.c}")
	extra=()
	case "$name" in fuzz_kp_request|fuzz_kp_config) extra=("${kp_objs[@]}") ;; esac
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer "$src" "${extra[@]}" "${objs[@]}" \
		-o "$out/$name" $libs
done
echo "fuzz targets in $out: $(cd "$out" && ls fuzz_* | tr '\n' ' ')"

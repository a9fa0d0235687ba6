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
cflags="-g -O1 -fno-omit-frame-pointer $sanitize -D_GNU_SOURCE \
	-DPACKAGE_VERSION=\"fuzz\" -DHAVE_JSON_TOKENER_PB=1 \
	-I$SKIP_TOP/src/libskip -I$SKIP_TOP/src/plugin \
	$(pkg-config --cflags libcurl json-c libssl libcrypto)"
libs="$(pkg-config --libs libcurl json-c libssl libcrypto) -lpthread"

# the code under test, instrumented for coverage but without libFuzzer's main
objs=()
for src in "$SKIP_TOP"/src/libskip/*.c "$SKIP_TOP/src/plugin/skip_wire.c"; do
	obj=$out/obj/$(basename "${src%.c}").o
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	objs+=("$obj")
done
for src in "$here"/fuzz_*.c; do
	name=$(basename "${src%.c}")
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer "$src" "${objs[@]}" -o "$out/$name" $libs
done
echo "fuzz targets in $out: $(cd "$out" && ls fuzz_* | tr '\n' ' ')"

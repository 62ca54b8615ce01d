#!/bin/bash
# fuzz_replay.sh - replay every fuzz corpus input through its harness
# (built with the test build's compiler and sanitizers, no libFuzzer), so
# a crash once found and kept in tests/fuzz/<name>/ stays fixed.
set -u
. "$(dirname "$0")/lib.sh"
BUILD_DIR=$(dirname "$BIN")
[ "$(basename "$BIN")" = bin ] && [ "$BUILD_DIR" = "$ROOT" ] && BUILD_DIR=$ROOT/build
for h in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	name=${name#fuzz_}
	replay=$BUILD_DIR/fuzz/replay_$name
	corpus=$ROOT/tests/fuzz/$name
	if [ ! -x "$replay" ]; then fail "$name: replay binary $replay missing"; continue; fi
	n=$(find "$corpus" -type f | wc -l)
	if find "$corpus" -type f -print0 | xargs -0 -r "$replay" >"$TMP/$name.out" 2>&1; then
		ok "$name: $n corpus inputs replayed"
	else
		fail "$name: replay crashed"
		tail -30 "$TMP/$name.out"
	fi
done
summary

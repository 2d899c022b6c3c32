#!/usr/bin/env bash
# CPU-stage benchmark, one core each: Sluice's per-body work (SHA-256 + the jq processor) against CPython's
# (hashlib.sha256 + json.loads + the same projection + json.dumps), on the same generated JSON body (BYTES, ~200 KB,
# ~2,300 items), in the same run. Sluice is measured twice: as it runs ("fast": a tree of only what the expression
# reads) and the way it did before ("whole": Jackson's whole tree). Each figure: the best batch of 20 bodies after a
# warm-up, in ms per body and MB/s (10^6 bytes); ROUNDS rounds alternate the three.
# Goal: Sluice fast MB/s >= GOAL x CPython MB/s.
# Env: BYTES (200000), SHAPE (floats: items with a float value; ints: the neutral origin's big document), EXPR ('{n: (.items|length), sum: ([.items[].value]|add)}'), SECONDS_EACH (3), ROUNDS (3),
#      GOAL (2.0), PYTHON (/usr/bin/python3 if present, else python3).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BYTES=${BYTES:-200000} SHAPE=${SHAPE:-floats} EXPR=${EXPR:-'{n: (.items|length), sum: ([.items[].value]|add)}'}
SECONDS_EACH=${SECONDS_EACH:-3} ROUNDS=${ROUNDS:-3} GOAL=${GOAL:-2.0}
PYTHON=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 || true )}
[ -n "$PYTHON" ] || die "no python3 (set PYTHON)"
bench_init

say "== CPU-stage benchmark: SHA-256 + jq '$EXPR' per body, one core; goal Sluice >= ${GOAL} x CPython"
bench_warmup
here="$BENCH_ROOT/bench/cpu"
jar="$BENCH_ROOT/sluice-cli/target/sluice.jar"
"$PYTHON" "$here/body.py" "$BYTES" "$SHAPE" >"$BENCH_TMP/body.json"
say "body        $SHAPE, $(wc -c <"$BENCH_TMP/body.json") bytes, $("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$BENCH_TMP/body.json") items; python $("$PYTHON" --version 2>&1)"
mkdir -p "$BENCH_TMP/classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$BENCH_TMP/classes" -cp "$jar" "$here/CpuStage.java" 2>&1 | grep -v '^Note:' >&2 || true

java_stage() { # MODE -> "MODE ms MB/s record"
  timeout 300 "$JAVA" -XX:+UseSerialGC -cp "$BENCH_TMP/classes:$jar" dev.sluice.internal.process.CpuStage \
    "$BENCH_TMP/body.json" "$EXPR" "$SECONDS_EACH" "$1"
}
best_fast=0 best_whole=0 best_py=0
for round in $(seq 1 "$ROUNDS"); do
  read -r _ fast_ms fast_mbs fast_rec < <(java_stage fast)
  read -r _ whole_ms whole_mbs whole_rec < <(java_stage whole)
  read -r _ py_version py_ms py_mbs py_rec < <(timeout 300 "$PYTHON" "$here/stage.py" "$BENCH_TMP/body.json" "$SECONDS_EACH")
  say "round $round    sluice ${fast_ms} ms = ${fast_mbs} MB/s | sluice before (whole tree) ${whole_ms} ms = ${whole_mbs} MB/s | CPython ${py_version} ${py_ms} ms = ${py_mbs} MB/s"
  [ "$fast_rec" = "$whole_rec" ] || die "records differ: fast $fast_rec, whole $whole_rec"
  best_fast=$(awk -v a="$best_fast" -v b="$fast_mbs" 'BEGIN { print (b > a) ? b : a }')
  best_whole=$(awk -v a="$best_whole" -v b="$whole_mbs" 'BEGIN { print (b > a) ? b : a }')
  best_py=$(awk -v a="$best_py" -v b="$py_mbs" 'BEGIN { print (b > a) ? b : a }')
done
say "records     sluice $fast_rec | CPython $py_rec"
ratio=$(awk -v a="$best_fast" -v b="$best_py" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
before=$(awk -v a="$best_whole" -v b="$best_py" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
verdict=$(awk -v r="$ratio" -v g="$GOAL" 'BEGIN { print (r >= g) ? "PASS" : "FAIL" }')
say "VERDICT cpu-stage: best sluice ${best_fast} MB/s / CPython ${best_py} MB/s = ${ratio}x (whole tree, as before: ${best_whole} MB/s = ${before}x) (goal >= ${GOAL}x) ${verdict}"
[ "$verdict" = PASS ]

#!/usr/bin/env bash
# Latency-bound benchmark: URLS distinct URLs on the test Origin, each answered after LATENCY_MS,
# fetched by `bin/sluice run urls.txt -c CONC --per-host CONC` (one host). The wall time of the whole command (JVM start
# included) must be <= 1.15 x the ideal URLS x LATENCY / CONC (2,000 x 100 ms / 50 = 4.0 s).
# The origin is a JVM: cold, it answers its first requests late. The ideal assumes a server that takes
# LATENCY_MS, so one untimed run on other URLs warms it (and the page cache) before the timed runs.
# Env: URLS (2000), LATENCY_MS (100), CONC (50), RUNS (5), GOAL (1.15).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URLS=${URLS:-2000} LATENCY_MS=${LATENCY_MS:-100} CONC=${CONC:-50} RUNS=${RUNS:-5} GOAL=${GOAL:-1.15}
bench_need "sqlite3:sqlite3" "curl:curl"
bench_init
IDEAL=$(awk -v n="$URLS" -v l="$LATENCY_MS" -v c="$CONC" 'BEGIN { printf "%.3f", n * l / 1000 / c }')

say "== latency benchmark: $URLS URLs x ${LATENCY_MS} ms / -c $CONC, ideal ${IDEAL} s, goal <= ${GOAL} x ideal"
bench_warmup
bench_start_origin
SUFFIX="?latency=$LATENCY_MS" bench_urls "$URLS" "http://127.0.0.1:$ORIGIN_PORT/lat" "$BENCH_TMP/urls.txt"
SUFFIX="?latency=$LATENCY_MS" bench_urls "$URLS" "http://127.0.0.1:$ORIGIN_PORT/warm" "$BENCH_TMP/warm.txt"
"$SLUICE" run "$BENCH_TMP/warm.txt" -c "$CONC" --per-host "$CONC" --db "$BENCH_TMP/warm.db" --no-progress -q >/dev/null 2>&1 || true
say "warm-up     one untimed run of $URLS other URLs (origin JIT, page cache)"

walls=() failed=0
for i in $(seq 1 "$RUNS"); do
  db="$BENCH_TMP/run$i.db"
  BENCH_DB=$db BENCH_LIMIT=120 bench_timed_sluice "$BENCH_TMP/run$i.out" \
    run "$BENCH_TMP/urls.txt" -c "$CONC" --per-host "$CONC" --db "$db" --no-progress -q
  read -r total ok < <(bench_db_counts "$db")
  say "run $i       wall ${BENCH_WALL} s  exit ${BENCH_RC}  stored ${total}/${URLS} ok ${ok}  | sluice: $(bench_sluice_line "$BENCH_TMP/run$i.out")"
  if [ "$BENCH_RC" -ne 0 ] || [ "$total" -ne "$URLS" ] || [ "$ok" -ne "$URLS" ]; then
    failed=1
    sed 's/^/  | /' "$BENCH_TMP/run$i.out" | tail -n 20
    bench_db_errors "$db" | sed 's/^/  failed rows: /'
  fi
  walls+=("$BENCH_WALL")
  rm -f "$db" "$db-wal" "$db-shm"
done

read -r best median < <(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END {
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", a[1], m }')
ratio=$(awk -v m="$median" -v i="$IDEAL" 'BEGIN { printf "%.3f", m / i }')
say "best        ${best} s"
say "median      ${median} s"
verdict=$(awk -v r="$ratio" -v g="$GOAL" -v f="$failed" 'BEGIN { print (f == 0 && r <= g) ? "PASS" : "FAIL" }')
note=""; [ "$failed" -ne 0 ] && note=" (some run failed or lost rows)"
say "VERDICT latency: median ${median} s / ideal ${IDEAL} s = ${ratio}x (goal <= ${GOAL}x) ${verdict}${note}"
[ "$verdict" = PASS ]

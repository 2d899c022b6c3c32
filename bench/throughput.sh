#!/usr/bin/env bash
# Throughput-bound benchmark: N distinct URLs of a 1 KiB JSON document served by a 1-worker nginx on
# loopback. Reference: `wrk -t1 -c64 -d10s` against the same nginx in the same run (req/s). Then
# `bin/sluice run urls.txt -c 64 --per-host 64` (one host); whole-command URLs/s = N / wall seconds (JVM start included),
# and every URL must be stored ok. Goal: Sluice URLs/s >= 40 % of wrk req/s.
# nginx, wrk and sluice share the machine's cores.
# Env: N (500000), CONC (64), WRK_SECONDS (10), GOAL (0.40), LIMIT (seconds allowed for sluice, 1200).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-500000} CONC=${CONC:-64} WRK_SECONDS=${WRK_SECONDS:-10} GOAL=${GOAL:-0.40} LIMIT=${LIMIT:-1200}
bench_need "nginx:nginx" "wrk:wrk" "sqlite3:sqlite3" "curl:curl"
bench_init

say "== throughput benchmark: $N URLs of 1 KiB JSON from nginx, -c $CONC, goal >= ${GOAL} x wrk req/s ($(nproc) cores)"
bench_warmup
bench_start_nginx
bench_urls "$N" "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/urls.txt"

# reference
wrk -t1 -c"$CONC" -d"${WRK_SECONDS}s" "http://127.0.0.1:$NGINX_PORT/doc/1" >"$BENCH_TMP/wrk.out" 2>&1 ||
  { cat "$BENCH_TMP/wrk.out"; die "wrk failed"; }
wrk_rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$BENCH_TMP/wrk.out")
wrk_err=$(grep -E 'Non-2xx|Socket errors' "$BENCH_TMP/wrk.out" | tr -s ' ' | paste -sd ';' || true)
[ -n "$wrk_rps" ] || { cat "$BENCH_TMP/wrk.out"; die "no Requests/sec in wrk output"; }
say "wrk         ${wrk_rps} req/s (wrk -t1 -c$CONC -d${WRK_SECONDS}s)${wrk_err:+  [$wrk_err]}"

# sluice
db="$BENCH_TMP/throughput.db"
BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$BENCH_TMP/sluice.out" \
  run "$BENCH_TMP/urls.txt" -c "$CONC" --per-host "$CONC" --db "$db" --no-progress -q
read -r total ok < <(bench_db_counts "$db")
rate=$(awk -v n="$N" -v w="$BENCH_WALL" 'BEGIN { printf "%.0f", n / w }')
say "sluice      wall ${BENCH_WALL} s  exit ${BENCH_RC}  -> ${rate} URLs/s whole command"
say "sluice      own line: $(bench_sluice_line "$BENCH_TMP/sluice.out")"
say "stored      count(*) ${total}, ok ${ok} (expected ${N}/${N})"
failed=0
if [ "$BENCH_RC" -ne 0 ] || [ "$total" -ne "$N" ] || [ "$ok" -ne "$N" ]; then
  failed=1
  [ "$BENCH_RC" -eq 124 ] && say "sluice was stopped after ${LIMIT} s (timeout)"
  sed 's/^/  | /' "$BENCH_TMP/sluice.out" | tail -n 30
  bench_db_errors "$db" | sed 's/^/  failed rows (error http count): /'
fi

ratio=$(awk -v a="$rate" -v b="$wrk_rps" 'BEGIN { printf "%.3f", a / b }')
verdict=$(awk -v r="$ratio" -v g="$GOAL" -v f="$failed" 'BEGIN { print (f == 0 && r >= g) ? "PASS" : "FAIL" }')
note=""; [ "$failed" -ne 0 ] && note=" (run failed or rows missing/not ok)"
say "VERDICT throughput: sluice ${rate} URLs/s / wrk ${wrk_rps} req/s = ${ratio} (goal >= ${GOAL}) ${verdict}${note}"
[ "$verdict" = PASS ]

#!/usr/bin/env bash
# Report benchmark (issue 12): `sluice report` over a database of N results (1,000,000), written by a real run
# of bin/sluice against nginx (a server we did not write): N - N/100 URLs of a 1 KiB JSON document and N/100
# URLs of a port nobody listens on (connect refused, then host_down: failures to show). Each report run is timed
# as a whole command (JVM start included), and the file's size is read.
#   bin/sluice run urls.txt --db DB -c 64 --per-host 64 --no-progress -q     (once)
#   bin/sluice report --db DB -o report.html                                 (RUNS times)
# Goal: median report time <= GOAL_S (10) s and file size <= MAX_BYTES (2,000,000) bytes.
# Env: N (1000000), RUNS (3), GOAL_S (10), MAX_BYTES (2000000), LIMIT (seconds per command, 900).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-1000000} RUNS=${RUNS:-3} GOAL_S=${GOAL_S:-10} MAX_BYTES=${MAX_BYTES:-2000000} LIMIT=${LIMIT:-900}
bench_need "nginx:nginx" "sqlite3:sqlite3" "curl:curl"
bench_init
say "== report: sluice report over $N results; $RUNS report run(s)"
bench_warmup
bench_start_nginx
DOWN=$(bench_free_port)
bench_urls $((N - N / 100)) "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/urls.txt"
bench_urls $((N / 100)) "http://127.0.0.1:$DOWN/down" "$BENCH_TMP/down.txt"
cat "$BENCH_TMP/down.txt" >>"$BENCH_TMP/urls.txt"
DB="$BENCH_TMP/results.db"
BENCH_DB=$DB BENCH_LIMIT=$LIMIT bench_timed_sluice "$BENCH_TMP/run.out" run "$BENCH_TMP/urls.txt" --db "$DB" \
  -c 64 --per-host 64 --no-progress -q
read -r total ok < <(bench_db_counts "$DB")
say "database    $total results ($ok ok) written in ${BENCH_WALL} s; $(du -m "$DB" | cut -f1) MB"
[ "$total" -eq "$N" ] || die "the run stored $total results, not $N"

times=() fails=0
for i in $(seq 1 "$RUNS"); do
  out="$BENCH_TMP/report-$i.out" html="$BENCH_TMP/report-$i.html"
  BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" report --db "$DB" -o "$html"
  size=$(wc -c <"$html" 2>/dev/null || echo 0)
  say "report $i    ${BENCH_WALL} s  exit $BENCH_RC  $size bytes"
  [ "$BENCH_RC" -eq 0 ] || { fails=$((fails + 1)); cat "$out"; }
  [ "$size" -le "$MAX_BYTES" ] || fails=$((fails + 1))
  times+=("$BENCH_WALL")
done
median=$(printf "%s\n" "${times[@]}" | bench_median)
ok_time=$(awk -v m="$median" -v g="$GOAL_S" 'BEGIN { print (m <= g) ? 1 : 0 }')
if [ "$fails" -eq 0 ] && [ "$ok_time" -eq 1 ]; then
  say "VERDICT report: median $median s for $N results (goal <= $GOAL_S s), every file <= $MAX_BYTES bytes PASS"
else
  say "VERDICT report: median $median s for $N results (goal <= $GOAL_S s); $fails run(s) failed or too large FAIL"
  exit 1
fi

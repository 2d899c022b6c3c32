#!/usr/bin/env bash
# JSON into typed tables: N (2000) x ~200 KB JSON documents of bench/origin/server.js (neutral.sh's cpu workload,
# /big/<tag>/<id>: {id, name, tags: [1-5], items: [2,400 objects]}), each one row of `docs`, its lists rows of
# `docs__tags` and `docs__items` (~4.8 M child rows), in the same run, the two tools alternating (Sluice first in
# odd runs), RUNS (3) each, a fresh database each run:
#   sluice     bin/sluice run urls.txt --jq '.' --table docs --primary-key id --write merge -c CONC --per-host CONC
#              --db NEW.db --no-progress -q
#   reference  bench/ref/json_tables.py urls.txt --db NEW.db --table docs --primary-key id -c CONC --uvloop (asyncio +
#              aiohttp, a ProcessPoolExecutor that parses, flattens and types each body, one SQLite writer doing
#              executemany in transactions; REF_LOOP=asyncio without uvloop)
# Every run is checked (bench/ref/tables_check.py): the three tables' row counts exactly, every document once
# with its name and URL, per document its tags in order and its items' count, positions, sum of `value`,
# flags, against the server's /expected/big-tables, and SPOT (8) documents fetched again and compared value by
# value; Sluice's `rejects` must be empty and every result ok.
# Figures: whole-command wall (JVM / Python start included), peak RSS (/usr/bin/time %M, largest process), and
# normalise-and-load rows/s = rows (parent + child) / the span from the first fetch's start to the last commit:
# Sluice's from its database (min(results.fetched_at - elapsed_ms) to runs.seen_at, its last commit), the
# reference's as it prints it (the same two instants, time.time()). Sluice's own summary line is shown too.
# Goals: median Sluice wall <= WALL_GOAL (0.5) x the reference's, and median Sluice rows/s >= ROWS_GOAL (300000).
# Env: N (2000), CONC (32), RUNS (3), WALL_GOAL (0.5), ROWS_GOAL (300000), SPOT (8), LIMIT (900 s per command),
# REF_LOOP (uvloop | asyncio), WARM (1: one untimed run of each tool over WARM_N (200) other documents first),
# SLUICE_ARGS (extra options for every Sluice run).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-2000} CONC=${CONC:-32} RUNS=${RUNS:-3} WALL_GOAL=${WALL_GOAL:-0.5} ROWS_GOAL=${ROWS_GOAL:-300000} SPOT=${SPOT:-8}
LIMIT=${LIMIT:-900} REF_LOOP=${REF_LOOP:-uvloop} WARM=${WARM:-1} WARM_N=${WARM_N:-200}
read -ra EXTRA <<<"${SLUICE_ARGS:-}"
REF="$BENCH_ROOT/bench/ref/json_tables.py" CHECK="$BENCH_ROOT/bench/ref/tables_check.py"
REF_FLAGS=(); [ "$REF_LOOP" = uvloop ] && REF_FLAGS=(--uvloop)
S_ARGS=(--jq '.' --table docs --primary-key id --write merge -c "$CONC" --per-host "$CONC")
num() { awk "BEGIN { printf \"%.3f\", $* }"; }

bench_need "node:nodejs" "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time" "/usr/bin/python3:python3"
bench_need_py "aiohttp:python3-aiohttp" "uvloop:python3-uvloop"
bench_init

say "== json-tables: $N x ~200 KB JSON (tags + 2,400 items) from the Node origin into docs, docs__tags, docs__items; -c $CONC; $RUNS runs each, alternating"
bench_warmup
say "reference   bench/ref/json_tables.py on $(/usr/bin/python3 --version), aiohttp $(/usr/bin/python3 -c 'import aiohttp; print(aiohttp.__version__)'), event loop: $REF_LOOP, process pool of $(nproc)"
[ ${#EXTRA[@]} -gt 0 ] && say "sluice      extra options for every run: ${EXTRA[*]}"
bench_start_node
EXP="$BENCH_TMP/big-tables.tsv"
curl -sf "http://127.0.0.1:$NODE_PORT/expected/big-tables?n=$N" >"$EXP" || die "GET /expected/big-tables failed"
WANT_ROWS=$(awk -F'\t' '{ rows += 1 + $4 + ($3 == "" ? 0 : split($3, t, ",")) } END { print rows }' "$EXP")
say "expected    $WANT_ROWS rows: docs $N, docs__tags $(awk -F'\t' '{ n += split($3, t, ",") } END { print n }' "$EXP"), docs__items $(awk -F'\t' '{ n += $4 } END { print n }' "$EXP")"

declare -A WALLS=() RATES=() RSSES=()
FAILED_RUNS=0

# timed TOOL TAG DB OUT: one run of TOOL over the documents of TAG (ids 1..N, or WARM_N with TAG w*); sets
# BENCH_WALL, BENCH_RC, RUN_RSS (MB).
timed() {
  local tool=$1 tag=$2 db=$3 out=$4 n=$N urls="$BENCH_TMP/$2.txt" rssf="$BENCH_TMP/rss" kib
  [[ $tag == w* ]] && n=$WARM_N
  bench_urls "$n" "http://127.0.0.1:$NODE_PORT/big/$tag" "$urls"
  rm -f "$db" "$db-wal" "$db-shm" "$rssf"
  BENCH_PREFIX=(/usr/bin/time -f '%M' -o "$rssf")
  if [ "$tool" = sluice ]; then
    BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$urls" --db "$db" "${S_ARGS[@]}" --no-progress -q "${EXTRA[@]}"
  else
    bench_time "$out" "${BENCH_PREFIX[@]}" timeout "$LIMIT" /usr/bin/python3 "$REF" "$urls" --db "$db" --table docs \
      --primary-key id -c "$CONC" "${REF_FLAGS[@]}"
  fi
  BENCH_PREFIX=()
  kib=$(tail -n 1 "$rssf" 2>/dev/null | tr -dc '0-9')
  RUN_RSS=$([ -n "$kib" ] && num "$kib * 1024 / 1e6" || echo 0)
  rm -f "$urls"
}

# one TOOL I: a timed, checked run.
one() {
  local tool=$1 i=$2 tag="${1:0:1}$2" db out rows span rate line check crc=0 ok bad=""
  db="$BENCH_TMP/$tag.db" out="$BENCH_TMP/$tag.out"
  timed "$tool" "$tag" "$db" "$out"
  rows=$(sqlite3 "$db" "select (select count(*) from docs) + (select count(*) from docs__tags) + (select count(*) from docs__items)" 2>/dev/null || echo 0)
  ok=$(sqlite3 "$db" "select count(*) from results where status = 'ok'" 2>/dev/null || echo 0)
  if [ "$tool" = sluice ]; then
    span=$(sqlite3 "$db" "select ((select $(bench_sql_epoch_ms seen_at) from runs order by id desc limit 1)
      - (select min($(bench_sql_epoch_ms fetched_at) - elapsed_ms) from results)) / 1000.0" 2>/dev/null || echo 0)
    line="  | sluice: $(bench_sluice_line "$out"); rejects $(sqlite3 "$db" 'select count(*) from rejects' 2>/dev/null || echo '?')"
    [ "$(sqlite3 "$db" 'select count(*) from rejects' 2>/dev/null)" = 0 ] || bad="rejects"
  else
    span=$(sed -n 's/.* in \([0-9.]*\) s from the first fetch to the last commit.*/\1/p' "$out")
    line="  | reference: $(grep -m1 '^json_tables:' "$out" || true)"
  fi
  rate=$(num "$rows / (${span:-0} > 0 ? $span : 1e9)")
  check=$(/usr/bin/python3 "$CHECK" --db "$db" --expected "$EXP" --base "http://127.0.0.1:$NODE_PORT/big/$tag/" \
    --layout "$([ "$tool" = sluice ] && echo sluice || echo ref)" --spot "$SPOT" 2>&1) || crc=$?
  say "$(printf '%-9s' "$tool") run $i  wall ${BENCH_WALL} s  exit ${BENCH_RC}  peak RSS ${RUN_RSS} MB  ok $ok of $N  rows $rows  fetch-to-last-commit ${span:-?} s: ${rate%.*} rows/s  load $(cut -d' ' -f1 /proc/loadavg)"
  say "$line"
  say "  | check: $(head -n 1 <<<"$check")"
  tail -n +2 <<<"$check" | sed 's/^/  | /'
  [ "$BENCH_RC" -eq 0 ] || bad="${bad:+$bad; }exit $BENCH_RC"
  [ "$ok" -eq "$N" ] || bad="${bad:+$bad; }$ok ok of $N"
  [ "$crc" -eq 0 ] || bad="${bad:+$bad; }tables not as the server says"
  if [ -n "$bad" ]; then
    FAILED_RUNS=$(( FAILED_RUNS + 1 ))
    say "  FAILED: $bad; last lines of its output:"
    grep -v '^ *$' "$out" | tail -n 15 | sed 's/^/  | /'
  fi
  WALLS[$tool]+="$BENCH_WALL " RATES[$tool]+="$rate " RSSES[$tool]+="$RUN_RSS "
  rm -f "$db" "$db-wal" "$db-shm"
}

if [ "$WARM" = 1 ]; then
  for tool in sluice ref; do timed "$tool" "w${tool:0:1}" "$BENCH_TMP/warm.db" "$BENCH_TMP/warm.out"; done
  rm -f "$BENCH_TMP"/warm.*
  say "warm-up     one untimed run of each tool over $WARM_N other documents"
fi
for i in $(seq 1 "$RUNS"); do
  if (( i % 2 )); then order="sluice ref"; else order="ref sluice"; fi
  for tool in $order; do one "$tool" "$i"; done
done

med() { tr ' ' '\n' <<<"$1" | grep . | bench_median; }
WS=$(med "${WALLS[sluice]}") WR=$(med "${WALLS[ref]}") RS=$(med "${RATES[sluice]}") RR=$(med "${RATES[ref]}")
MS=$(tr ' ' '\n' <<<"${RSSES[sluice]}" | grep . | sort -g | tail -n 1) MR=$(tr ' ' '\n' <<<"${RSSES[ref]}" | grep . | sort -g | tail -n 1)
RATIO=$(num "$WS / $WR")
say ""
say "json-tables median  wall: sluice ${WS} s, reference ${WR} s (sluice: ${WALLS[sluice]% }; reference: ${WALLS[ref]% })"
say "json-tables median  rows/s fetch to last commit: sluice ${RS%.*}, reference ${RR%.*} (sluice: ${RATES[sluice]% }; reference: ${RATES[ref]% })"
say "json-tables peak RSS (largest process): sluice ${MS} MB, reference ${MR} MB"
PASS=$(awk -v r="$RATIO" -v g="$WALL_GOAL" -v s="$RS" -v gs="$ROWS_GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r <= g && s >= gs) ? "PASS" : "FAIL" }')
say "VERDICT json-tables: sluice ${WS} s / reference ${WR} s = ${RATIO}x (goal <= ${WALL_GOAL}x); sluice ${RS%.*} rows/s (goal >= ${ROWS_GOAL}), reference ${RR%.*} rows/s$([ "$FAILED_RUNS" -eq 0 ] || echo "; $FAILED_RUNS run(s) failed or stored the wrong rows") $PASS"
[ "$PASS" = PASS ]

#!/usr/bin/env bash
# JSON into typed tables: N (2000) ~200 KB JSON documents from bench/origin/server.js (Node's http module; not
# our origin): {id, name, tags: [3 strings], items: [2,400 objects]}, loaded into a typed table with its lists as
# child tables by
#   Sluice     bin/sluice run urls.txt --jq . --table docs --primary-key id --write merge -c CONC --per-host CONC
#              (docs, docs__tags, docs__items; an item's own `tags` list, deeper than --max-nesting 1, as json)
#   reference  bench/ref/json_tables.py: asyncio + aiohttp, a process pool that parses, flattens and types each
#              body, one SQLite writer with executemany (the seed's design, written as a competent user would)
# in the same run, alternating (Sluice first in odd runs), RUNS (3) each, a fresh database and fresh URLs each run.
# Every run is checked: N documents, 3 N tags, 2,400 N items, and each document's sum of items.value as the server
# says. Measured: the whole command's wall time, rows (all three tables) per second of it, peak RSS.
# Goals: median Sluice wall <= GOAL (0.5) x the reference's, and Sluice >= RATE_GOAL (300000) rows/s.
# Other env: CONC (32), LIMIT (900 s per command), REF_LOOP (uvloop | asyncio), SLUICE_ARGS (extra options).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-2000} CONC=${CONC:-32} RUNS=${RUNS:-3} GOAL=${GOAL:-0.5} RATE_GOAL=${RATE_GOAL:-300000}
LIMIT=${LIMIT:-900} REF_LOOP=${REF_LOOP:-uvloop}
read -ra EXTRA <<<"${SLUICE_ARGS:-}"
REF="$BENCH_ROOT/bench/ref/json_tables.py"
REF_FLAGS=(); [ "$REF_LOOP" = uvloop ] && REF_FLAGS+=(--uvloop)
num() { awk "BEGIN { printf \"%.3f\", $* }"; }

bench_need "node:nodejs" "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time" "/usr/bin/python3:python3"
bench_need_py "aiohttp:python3-aiohttp" "uvloop:python3-uvloop"
bench_init

say "== JSON into typed tables: $N x ~200 KB documents, -c $CONC; Sluice vs bench/ref/json_tables.py; $RUNS runs each, alternating"
bench_warmup
say "reference   $(/usr/bin/python3 --version), aiohttp $(/usr/bin/python3 -c 'import aiohttp; print(aiohttp.__version__)'), event loop $REF_LOOP, process pool of $(nproc)"
bench_start_node
curl -sf "http://127.0.0.1:$NODE_PORT/expected/big?n=$N" | awk -F'\t' -v OFS='\t' '{ print $1, $8, $9 }' >"$BENCH_TMP/exp.tsv" ||
  die "GET /expected/big failed"
ITEMS=$(awk -F'\t' 'NR == 1 { print $2 }' "$BENCH_TMP/exp.tsv")
EXPECT_ROWS=$(( N + 3 * N + ITEMS * N ))
CHECK_DB="$BENCH_TMP/check.db"
sqlite3 "$CHECK_DB" "create table exp(id integer primary key, n integer, sum integer)" ".mode tabs" ".import '$BENCH_TMP/exp.tsv' exp"
say "workload    $N documents of $ITEMS items: $EXPECT_ROWS rows in three tables"

declare -A WALLS=() RATES=() RSSES=()
FAILED_RUNS=0

# check TOOL DB: the rows each table must have, and every document's sum of items.value; prints what is wrong.
check() {
  local tool=$1 db=$2 docs tags items parent
  if [ "$tool" = sluice ]; then parent="cast(_root as integer)"; else parent="_parent_id"; fi
  sqlite3 -separator ' ' "$CHECK_DB" "attach '$db' as t;
    select (select count(*) from t.docs), (select count(*) from t.docs__tags), (select count(*) from t.docs__items),
      (select count(*) from exp e left join (select $parent id, count(*) n, sum(value) s from t.docs__items group by 1) x
         on x.id = e.id where x.id is null or x.n <> e.n or x.s <> e.sum),
      (select count(*) from exp e left join t.docs d on d.id = e.id where d.id is null or d.name <> 'big-' || e.id);" 2>&1
}

one() { # TOOL I
  local tool=$1 i=$2 tag="jt$2${1:0:1}" db out rssf got docs tags items badsum baddoc rows rate rss
  db="$BENCH_TMP/$tag.db" out="$BENCH_TMP/$tag.out" rssf="$BENCH_TMP/$tag.rss"
  rm -f "$db" "$db-wal" "$db-shm" "$rssf"
  bench_urls "$N" "http://127.0.0.1:$NODE_PORT/big/$tag" "$BENCH_TMP/urls.txt"
  if [ "$tool" = sluice ]; then
    BENCH_PREFIX=(/usr/bin/time -f '%M' -o "$rssf")
    BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$BENCH_TMP/urls.txt" --db "$db" --jq . --table docs \
      --primary-key id --write merge -c "$CONC" --per-host "$CONC" --no-progress -q "${EXTRA[@]}"
    BENCH_PREFIX=()
  else
    bench_time "$out" /usr/bin/time -f '%M' -o "$rssf" timeout "$LIMIT" /usr/bin/python3 "$REF" "$BENCH_TMP/urls.txt" \
      --db "$db" -c "$CONC" "${REF_FLAGS[@]}"
  fi
  got=$(check "$tool" "$db")
  read -r docs tags items badsum baddoc <<<"$got" || true
  rows=$(( ${docs:-0} + ${tags:-0} + ${items:-0} ))
  rss=$(( $(tail -n1 "$rssf" 2>/dev/null || echo 0) / 1024 ))
  rate=$(num "$rows / $BENCH_WALL")
  say "$(printf '  %-9s run %d: %8.3f s  %9.0f rows/s  docs %s, tags %s, items %s  peak RSS %d MiB  exit %d' \
    "$tool" "$i" "$BENCH_WALL" "$rate" "${docs:-?}" "${tags:-?}" "${items:-?}" "$rss" "$BENCH_RC")"
  if [ "$BENCH_RC" -ne 0 ] || [ "${docs:-0}" -ne "$N" ] || [ "${tags:-0}" -ne $(( 3 * N )) ] ||
     [ "${items:-0}" -ne $(( ITEMS * N )) ] || [ "${badsum:-1}" -ne 0 ] || [ "${baddoc:-1}" -ne 0 ]; then
    say "  $tool run $i NOT as expected (documents with wrong items: ${badsum:-?}, wrong or missing documents: ${baddoc:-?}): $got"
    tail -n 5 "$out" | sed 's/^/    /'
    FAILED_RUNS=$(( FAILED_RUNS + 1 ))
  fi
  WALLS[$tool]+="$BENCH_WALL "
  RATES[$tool]+="$rate "
  RSSES[$tool]+="$rss "
}

for i in $(seq 1 "$RUNS"); do
  if (( i % 2 )); then one sluice "$i"; one reference "$i"; else one reference "$i"; one sluice "$i"; fi
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | bench_median; }
S_WALL=$(median "${WALLS[sluice]}") R_WALL=$(median "${WALLS[reference]}")
S_RATE=$(median "${RATES[sluice]}") R_RATE=$(median "${RATES[reference]}")
RATIO=$(num "$S_WALL / $R_WALL")
say "median      sluice $S_WALL s ($S_RATE rows/s, peak RSS $(tr ' ' '\n' <<<"${RSSES[sluice]}" | sort -n | tail -n1) MiB);" \
  "reference $R_WALL s ($R_RATE rows/s, peak RSS $(tr ' ' '\n' <<<"${RSSES[reference]}" | sort -n | tail -n1) MiB of its main process)"
pass=0
awk -v r="$RATIO" -v g="$GOAL" -v s="$S_RATE" -v rg="$RATE_GOAL" 'BEGIN { exit !(r <= g && s >= rg) }' && [ "$FAILED_RUNS" -eq 0 ] && pass=1
v=FAIL; [ "$pass" = 1 ] && v=PASS
say "VERDICT json-tables: sluice/reference wall $RATIO (goal <= $GOAL), sluice $S_RATE rows/s (goal >= $RATE_GOAL)$([ "$FAILED_RUNS" -ne 0 ] && echo ", $FAILED_RUNS runs not as expected") $v"
[ "$pass" = 1 ]

#!/usr/bin/env bash
# Pagination benchmark (issue 11): CHAINS independent cursor-paginated chains of PAGES pages each, every page
# answered after MS ms by bench/origin/server.js (Node, not our Java origin), PER items a page:
#   bin/sluice run chains.txt --paginate 'cursor:.next_cursor=cursor' --jq '.items[]' --db NEW
#     -c CONC --per-host CONC --no-progress -q
# (chains.txt: one URL per chain, /api/cursor/<tag>/c<k>?pages=PAGES&per=PER&ms=MS). Pages within a chain
# cannot overlap (each needs the previous one's cursor), chains can: the ideal is PAGES x MS (5 s), whatever
# CHAINS (<= CONC). Measured: the whole command's wall time (JVM start included), and from the database the
# start-up (first fetched_at - launch - MS) and the fetching span (last - first fetched_at + MS).
# Checks, every run: CHAINS x PAGES rows, all ok; CHAINS x PAGES x PER records, each item (chain, n) once and
# every chain's n = 0 .. PAGES x PER - 1; the server saw each page requested once.
# Goal: median whole-command wall <= GOAL (1.1) x the ideal. The JVM's start (~0.5 s) is most of that 10 %: the
# fetching itself must add next to nothing per page (a next page sent as soon as its cursor is known).
# Env: CHAINS (20), PAGES (100), PER (10), MS (50), CONC (64), RUNS (3), GOAL (1.1), LIMIT (300 s per run),
# SLUICE_ARGS (extra options for every Sluice run).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHAINS=${CHAINS:-20} PAGES=${PAGES:-100} PER=${PER:-10} MS=${MS:-50} CONC=${CONC:-64} RUNS=${RUNS:-3}
GOAL=${GOAL:-1.1} LIMIT=${LIMIT:-300}
read -ra EXTRA <<<"${SLUICE_ARGS:-}"
num() { awk "BEGIN { printf \"%.3f\", $* }"; }
ROWS=$(( CHAINS * PAGES )) RECORDS=$(( CHAINS * PAGES * PER ))
IDEAL=$(num "$PAGES * $MS / 1000")

bench_need "node:nodejs" "sqlite3:sqlite3" "curl:curl" "/usr/bin/python3:python3"
bench_init
say "== paginate: $CHAINS cursor chains x $PAGES pages x ${MS} ms ($ROWS pages, $RECORDS records), -c $CONC --per-host $CONC; ideal ${IDEAL} s; $RUNS runs"
bench_warmup
missing=$(bench_sluice_has --paginate) ||
  die "bin/sluice run has no $missing in this build: it cannot paginate yet (issue 11)"
[ ${#EXTRA[@]} -gt 0 ] && say "sluice      extra options for every run: ${EXTRA[*]}"
bench_start_node --site-pages 1 # the site is not used here

# The server itself, untimed: one chain followed with curl to its end (no latency) must give PAGES pages.
selfcheck() {
  local url="http://127.0.0.1:$NODE_PORT/api/cursor/selfcheck/c0?pages=$PAGES&per=$PER&ms=0" body cursor="" pages=0 items=0
  while :; do
    body=$(curl -sf "$url${cursor:+&cursor=$cursor}") || die "the Node origin's cursor API failed on page $(( pages + 1 ))"
    pages=$(( pages + 1 )) items=$(( items + $(grep -o '"n":' <<<"$body" | wc -l) ))
    cursor=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' <<<"$body")
    [ -n "$cursor" ] && [ "$pages" -le "$PAGES" ] || break
  done
  [ "$pages" -eq "$PAGES" ] && [ "$items" -eq $(( PAGES * PER )) ] ||
    die "the Node origin's chain has $pages pages and $items items, want $PAGES and $(( PAGES * PER ))"
  say "server      a chain followed with curl: $pages pages, $items items, then next_cursor null"
}
selfcheck

WALLS=() FAILED_RUNS=0
for i in $(seq 1 "$RUNS"); do
  tag="p$i" db="$BENCH_TMP/p$i.db" out="$BENCH_TMP/p$i.out"
  for k in $(seq 1 "$CHAINS"); do echo "http://127.0.0.1:$NODE_PORT/api/cursor/$tag/c$k?pages=$PAGES&per=$PER&ms=$MS"; done >"$BENCH_TMP/chains.txt"
  BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$BENCH_TMP/chains.txt" \
    --paginate 'cursor:.next_cursor=cursor' --jq '.items[]' --db "$db" -c "$CONC" --per-host "$CONC" --no-progress -q "${EXTRA[@]}"
  read -r total ok first last < <(sqlite3 -separator ' ' "$db" "select count(*), coalesce(sum(status = 'ok'), 0),
      coalesce($(bench_sql_epoch_ms 'min(fetched_at)'), 0), coalesce($(bench_sql_epoch_ms 'max(fetched_at)'), 0) from results" 2>/dev/null || echo "0 0 0 0")
  read -r recs distinct bad_chains < <(sqlite3 -separator ' ' "$db" "
      with r as (select json_extract(data, '\$.chain') c, json_extract(data, '\$.n') n from records),
           per_chain as (select c, count(distinct n) k, min(n) lo, max(n) hi from r group by c)
      select (select count(*) from r), (select count(distinct c || '/' || n) from r),
             (select count(*) from per_chain where k <> $(( PAGES * PER )) or lo <> 0 or hi <> $(( PAGES * PER - 1 )))
               + $CHAINS - (select count(*) from per_chain)" 2>/dev/null || echo "0 0 $CHAINS")
  requests=$(bench_node_json /stats "['api']['$tag']['requests']")
  repeated=$(bench_node_json /stats "['api']['$tag']['repeated']")
  startup=$(num "($first - $BENCH_T0_MS - $MS) / 1000") span=$(num "($last - $first + $MS) / 1000")
  say "sluice run $i  wall ${BENCH_WALL} s ($(num "$BENCH_WALL / $IDEAL")x ideal)  exit ${BENCH_RC}  start-up ~${startup} s, fetching ${span} s ($(num "$span / $IDEAL")x ideal)  rows ok ${ok} of ${total} (want $ROWS)  records ${recs} (${distinct} distinct; want $RECORDS)  server: ${requests:-0} requests, ${repeated:-0} pages more than once  load $(cut -d' ' -f1 /proc/loadavg)"
  say "  | sluice: $(bench_sluice_line "$out")$(sqlite3 -separator ' ' "$db" "select ', ' || group_concat(rule || ' ' || n, ', ') from (select rule, count(*) n from queue group by rule)" 2>/dev/null || true)"
  bad=""
  [ "$BENCH_RC" -eq 0 ] || bad="exit $BENCH_RC"
  [ "$ok" -eq "$ROWS" ] && [ "$total" -eq "$ROWS" ] || bad="${bad:+$bad; }$ok rows ok of $total, want $ROWS"
  [ "$recs" -eq "$RECORDS" ] && [ "$distinct" -eq "$RECORDS" ] && [ "$bad_chains" -eq 0 ] ||
    bad="${bad:+$bad; }records $recs ($distinct distinct), $bad_chains chains incomplete or out of range"
  if [ -n "$bad" ]; then
    FAILED_RUNS=$(( FAILED_RUNS + 1 ))
    say "  FAILED: $bad; last lines of its output:"
    grep -v '^ *$' "$out" | tail -n 15 | sed 's/^/  | /'
    bench_db_errors "$db" | sed 's/^/  | failed rows: /'
  fi
  WALLS+=("$BENCH_WALL")
  rm -f "$db" "$db-wal" "$db-shm"
done

MED=$(printf '%s\n' "${WALLS[@]}" | bench_median)
RATIO=$(num "$MED / $IDEAL")
PASS=$(awk -v r="$RATIO" -v g="$GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r <= g) ? "PASS" : "FAIL" }')
say ""
say "VERDICT paginate: median wall ${MED} s / ideal ${IDEAL} s = ${RATIO}x (goal <= ${GOAL}x; runs: ${WALLS[*]})$([ "$FAILED_RUNS" -eq 0 ] || echo "; $FAILED_RUNS run(s) failed or stored the wrong rows") $PASS"
[ "$PASS" = PASS ]

#!/usr/bin/env bash
# Neutral-ground benchmarks: Sluice side by side with a reference written from the seed's design
# (bench/ref/pipeline.py: asyncio + aiohttp + a semaphore, a ProcessPoolExecutor for the CPU work, one
# SQLite writer; Debian's python3 with uvloop), against servers we did not write: bench/origin/server.js
# (Node's built-in http module) and nginx. Same machine, same run, the two tools alternating (Sluice
# first in odd runs, the reference first in even ones), RUNS (3) runs each, medians; every run starts
# from a fresh database and EVERY URL's row is checked against what the server says it should be
# (status, error kind, HTTP status, SHA-256 of the body, the projected record).
# Workloads (WORKLOADS, all by default):
#   latency  LAT_URLS (2000) x LAT_MS (100) ms from the Node origin, -c 50 --per-host 50, jq projection;
#            goal: Sluice's whole command <= LAT_GOAL (1.08) x the ideal (2000 x 0.1 s / 50 = 4.0 s) AND
#            faster than the reference
#   short    SHORT_N (50000) x 1 KiB JSON from nginx, -c 64 --per-host 64, jq projection; goal: Sluice's
#            whole-command URLs/s >= SHORT_GOAL (4) x the reference's (with uvloop)
#   cpu      CPU_N (2000) x ~200 KB JSON (2,400 items) from the Node origin, -c 32 --per-host 32, parse +
#            count + sum + SHA-256; goal: Sluice's whole command <= CPU_GOAL (0.6) x the reference's. Also
#            peak memory: /usr/bin/time %M (largest process) and the peak PSS of the process tree
#   faults   FAULT_N (1000) URLs of the Node origin's fault plan (503/500/429 with Retry-After, resets,
#            hangs, truncated bodies that then succeed; 404, 410, malformed JSON, 50 MiB bodies, redirect
#            loops, and retryable faults that never stop), --timeout 2s --retries 3 -c 50 --per-host 50;
#            goal: every URL classified right in every run by both tools, and Sluice's whole command
#            <= FAULT_GOAL (1.2) x the reference's
#   long     LONG_N (500000) x 1 KiB from nginx, -c 64 --per-host 64, no processing; goal: Sluice's
#            URLs/s >= LONG_GOAL (0.50) x `wrk -t2 -c64 -d10s` req/s against the same nginx (medians)
#   startup  hyperfine, medians of HF_RUNS (10) after 3 warm-ups: `bin/sluice --help` <= HELP_MS (150)
#            and a one-URL run to nginx (fresh database each time) <= ONE_MS (300); the reference's
#            one-URL run is shown too
# Other env: RUNS (3), LIMIT (600 s per command), REF_LOOP (uvloop | asyncio), WARM (1: one untimed run
# of each tool on other URLs before latency, short, cpu), SLUICE_ARGS (extra options for every Sluice
# run, e.g. "--breaker 0"), REF_ARGS (extra options for every reference run, e.g. "--inline": hash and
# project in the event loop instead of the process pool, cheaper for 1 KiB bodies), per workload *_CONC,
# WRK_SECONDS (10), FAULT_TIMEOUT (2), FAULT_RETRIES (3).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORKLOADS=${WORKLOADS:-"latency short cpu faults long startup"}
RUNS=${RUNS:-3} LIMIT=${LIMIT:-600} REF_LOOP=${REF_LOOP:-uvloop} WARM=${WARM:-1}
LAT_URLS=${LAT_URLS:-2000} LAT_MS=${LAT_MS:-100} LAT_CONC=${LAT_CONC:-50} LAT_GOAL=${LAT_GOAL:-1.08}
SHORT_N=${SHORT_N:-50000} SHORT_CONC=${SHORT_CONC:-64} SHORT_GOAL=${SHORT_GOAL:-4}
CPU_N=${CPU_N:-2000} CPU_CONC=${CPU_CONC:-32} CPU_GOAL=${CPU_GOAL:-0.6}
FAULT_N=${FAULT_N:-1000} FAULT_CONC=${FAULT_CONC:-50} FAULT_TIMEOUT=${FAULT_TIMEOUT:-2} FAULT_RETRIES=${FAULT_RETRIES:-3}
FAULT_GOAL=${FAULT_GOAL:-1.2}
LONG_N=${LONG_N:-500000} LONG_CONC=${LONG_CONC:-64} LONG_GOAL=${LONG_GOAL:-0.50} WRK_SECONDS=${WRK_SECONDS:-10}
HELP_MS=${HELP_MS:-150} ONE_MS=${ONE_MS:-300} HF_RUNS=${HF_RUNS:-10}
read -ra EXTRA <<<"${SLUICE_ARGS:-}"
JQ_SMALL='{id, name, n: (.tags|length)}'                     # the reference's --proj small
JQ_SUM='{n: (.items|length), sum: ([.items[].value]|add)}'   # the reference's --proj sum
REF="$BENCH_ROOT/bench/ref/pipeline.py"
read -ra REF_FLAGS <<<"${REF_ARGS:-}"; [ "$REF_LOOP" = uvloop ] && REF_FLAGS+=(--uvloop)

for w in $WORKLOADS; do
  case $w in latency|short|cpu|faults|long|startup) ;; *) die "unknown workload '$w' (latency short cpu faults long startup)" ;; esac
done
has() { [[ " $WORKLOADS " == *" $1 "* ]]; }
num() { awk "BEGIN { printf \"%.3f\", $* }"; } # num EXPR: awk arithmetic, 3 decimals

bench_need "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time"
if has latency || has cpu || has faults; then bench_need "node:nodejs"; fi
if has short || has long || has startup; then bench_need "nginx:nginx"; fi
if has long; then bench_need "wrk:wrk"; fi
if has startup; then bench_need "hyperfine:hyperfine"; fi
bench_need "/usr/bin/python3:python3"
bench_need_py "aiohttp:python3-aiohttp" "aiosqlite:python3-aiosqlite" "uvloop:python3-uvloop"
bench_init

say "== neutral-ground benchmarks: Sluice vs a reference from the seed's design (asyncio + aiohttp, process pool, one SQLite writer)"
say "   workloads: $WORKLOADS; $RUNS runs each, alternating, medians; every URL's row checked"
bench_warmup
say "reference   bench/ref/pipeline.py on $(/usr/bin/python3 --version), aiohttp $(/usr/bin/python3 -c 'import aiohttp; print(aiohttp.__version__)'), event loop: $REF_LOOP$([ "$REF_LOOP" = uvloop ] && /usr/bin/python3 -c 'import uvloop; print(" " + uvloop.__version__)'), process pool of $(nproc)"
[ ${#EXTRA[@]} -gt 0 ] && say "sluice      extra options for every run: ${EXTRA[*]}"
[ -n "${REF_ARGS:-}" ] && say "reference   extra options for every run: $REF_ARGS"

# --- servers ---------------------------------------------------------------------------------------
node_stat() { curl -s "http://127.0.0.1:$NODE_PORT/stats" | /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
if has latency || has cpu || has faults; then bench_start_node; fi
if has short || has long || has startup; then bench_start_nginx; DOC_SHA=$(sha256sum "$NGINX_DIR/www/doc.json" | cut -d' ' -f1); fi

# --- one timed run, checked ------------------------------------------------------------------------
# The current workload: W (name), W_N (URLs), W_BASE (URL of id i with tag t: W_BASE/t/i W_SUFFIX),
# W_EXP (expected rows: id plan status error http attempts sha256 n sum, tab-separated, '-' = not
# checked), W_RECS (1: check the projected record), W_RC (the exit status both tools must end with),
# S_ARGS / R_ARGS (the tools' options after the URL file and database).
declare -A WALLS=() RSS=() PSS=()
FAILED_RUNS=0 MISMATCHES=0

# load_expected: W_EXP into a fresh check database.
load_expected() {
  CHECK_DB="$BENCH_TMP/check-$W.db"
  rm -f "$CHECK_DB"
  sqlite3 "$CHECK_DB" "create table exp(id integer primary key, plan text, status text, error text, http text,
    attempts text, sha text, n text, sum text)"
  sqlite3 "$CHECK_DB" ".mode tabs" ".import '$W_EXP' exp"
  [ "$(sqlite3 "$CHECK_DB" 'select count(*) from exp')" -eq "$W_N" ] || die "expected rows for $W: not $W_N"
}

# check DB TAG LABEL: compares every row of DB with the expected ones; prints the mismatches grouped by
# the server's plan; sets CHECK_BAD (URLs missing or stored wrong, plus extra rows) and CHECK_NOTE.
check() {
  local db=$1 tag=$2 label=$3 url="'$W_BASE/$tag/' || e.id || '$W_SUFFIX'" recs=$W_RECS out
  out=$(sqlite3 -separator $'\t' "$CHECK_DB" <<SQL
attach '$db' as t;
create temp table v as
  select e.*, r.url is not null present, r.status rs, coalesce(r.error, '-') re, coalesce(cast(r.http_status as text), '-') rh,
         r.attempts ra, r.sha256 rsha, r.detail rdetail, $url u,
         (select count(*) from t.records x where x.url = r.url) nrec,
         (select data from t.records x where x.url = r.url and x.seq = 0) rec
  from exp e left join t.results r on r.url = $url;
create temp table bad as
  select plan, status || '/' || error || '/' || http want,
         case when not present then 'missing'
              when rs <> status or (status = 'failed' and re <> error) or (http <> '-' and rh <> http)
                then rs || '/' || re || '/' || rh
              when status = 'ok' and rsha is not sha then 'ok but sha256 ' || coalesce(rsha, 'null')
              else 'ok but records: ' || nrec || ' ' || coalesce(rec, 'none') end got,
         u, rdetail
  from v
  where not present or rs <> status or (status = 'failed' and re <> error) or (http <> '-' and rh <> http)
     or (status = 'ok' and rsha is not sha)
     or (status = 'ok' and $recs and (nrec <> 1 or cast(json_extract(rec, '\$.n') as integer) is not cast(n as integer)
         or (sum <> '-' and cast(json_extract(rec, '\$.sum') as integer) is not cast(sum as integer))));
select 'bad', (select count(*) from bad) + (select count(*) from t.results) - (select count(*) from v where present);
select 'extra', (select count(*) from t.results) - (select count(*) from v where present);
select 'rows', (select count(*) from t.results), (select count(*) from t.results where status = 'ok'),
       (select count(*) from t.results where status <> 'ok');
select 'mismatch', plan, want, got, count(*), min(u), coalesce(min(rdetail), '') from bad group by 1, 2, 3, 4 order by 5 desc limit 15;
select 'attempts', plan, attempts, ra, count(*) from v
  where present and rs = status and ra <> cast(attempts as integer) group by 1, 2, 3, 4 order by 5 desc limit 8;
SQL
) || { say "  check of $label failed (sqlite3)"; CHECK_BAD=$W_N; CHECK_NOTE="check failed"; return 0; }
  CHECK_BAD=$(awk -F'\t' '$1 == "bad" { print $2 }' <<<"$out")
  local extra rows
  extra=$(awk -F'\t' '$1 == "extra" { print $2 }' <<<"$out")
  rows=$(awk -F'\t' '$1 == "rows" { printf "rows %d (ok %d, failed %d)", $2, $3, $4 }' <<<"$out")
  if [ "${CHECK_BAD:-1}" -eq 0 ]; then CHECK_NOTE="$rows, every URL as expected"
  else CHECK_NOTE="$rows, $CHECK_BAD NOT as expected"; fi
  [ "${extra:-0}" -ne 0 ] && say "  $label: $extra rows for URLs not in the input"
  awk -F'\t' -v l="$label" '$1 == "mismatch" {
      printf "  mismatch  %s: %-16s want %-22s got %-30s x%d  e.g. %s%s\n", l, $2, $3, $4, $5, $6, ($7 != "" ? "  (" $7 ")" : "") }' <<<"$out"
  local att
  att=$(awk -F'\t' '$1 == "attempts" { printf "%s%s want %s got %s (x%d)", sep, $2, $3, $4, $5; sep = ", " }' <<<"$out")
  [ -z "$att" ] || say "  attempts  $label: differ from the plan (not judged): $att"
}

# one TOOL RUN: one timed run of TOOL (sluice | ref) over the workload's URLs with their own tag.
one() {
  local tool=$1 i=$2 tag label db out urls
  tag=${tool:0:1}$i label="$(printf '%-6s' "$tool") run $i"
  db="$BENCH_TMP/$W-$tag.db" out="$BENCH_TMP/$W-$tag.out" urls="$BENCH_TMP/$W-$tag.txt"
  SUFFIX=$W_SUFFIX bench_urls "$W_N" "$W_BASE/$tag" "$urls"
  timed "$tool" "$out" "$db" "$urls"
  check "$db" "$tag" "$W $label"
  local line="" mem="" bad=0
  [ "$tool" = sluice ] && line="  | sluice: $(bench_sluice_line "$out")"
  [ -n "$RUN_RSS" ] && mem="  peak RSS ${RUN_RSS} MB"
  [ -n "$RUN_PSS" ] && mem="$mem, tree PSS ${RUN_PSS} MB"
  say "$(printf '%-8s' "$W") $label  wall ${BENCH_WALL} s  exit ${BENCH_RC}${mem}  $CHECK_NOTE  load $(cut -d' ' -f1 /proc/loadavg)$line"
  if [ "$BENCH_RC" -ne "$W_RC" ]; then
    bad=1
    [ "$BENCH_RC" -eq 124 ] && say "  $tool was stopped after ${LIMIT} s (timeout)"
    say "  exit ${BENCH_RC}, expected ${W_RC}; last lines of its output:"
    grep -v '^[0-9]*$' "$out" | sed 's/^/  | /' | tail -n 15
  fi
  [ "$CHECK_BAD" -eq 0 ] || { bad=1; MISMATCHES=$(( MISMATCHES + CHECK_BAD )); }
  FAILED_RUNS=$(( FAILED_RUNS + bad ))
  WALLS[$tool]+="$BENCH_WALL "
  RSS[$tool]+="${RUN_RSS:-0} " PSS[$tool]+="${RUN_PSS:-0} "
  rm -f "$db" "$db-wal" "$db-shm" "$urls"
}

# timed TOOL OUT DB URLS: runs the tool (fresh database) under /usr/bin/time; sets BENCH_WALL, BENCH_RC,
# RUN_RSS (MB, largest process), RUN_PSS (MB, process tree; only with SAMPLE_PSS=1).
timed() {
  local tool=$1 out=$2 db=$3 urls=$4 rssf="$BENCH_TMP/rss" pssf=""
  rm -f "$db" "$db-wal" "$db-shm" "$rssf"
  [ "${SAMPLE_PSS:-0}" = 1 ] && pssf="$BENCH_TMP/pss"
  BENCH_PREFIX=(/usr/bin/time -f '%M' -o "$rssf")
  if [ "$tool" = sluice ]; then
    BENCH_PSS_OUT=$pssf BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" \
      run "$urls" --db "$db" "${S_ARGS[@]}" --no-progress -q "${EXTRA[@]}"
  else
    BENCH_PSS_OUT=$pssf bench_time "$out" "${BENCH_PREFIX[@]}" timeout "$LIMIT" /usr/bin/python3 "$REF" "$urls" --db "$db" \
      "${R_ARGS[@]}" "${REF_FLAGS[@]}"
  fi
  BENCH_PREFIX=()
  local kib
  kib=$(tail -n 1 "$rssf" 2>/dev/null | tr -dc '0-9')
  RUN_RSS=$([ -n "$kib" ] && num "$kib * 1024 / 1e6" || true)
  RUN_PSS=""
  if [ -n "$pssf" ]; then kib=$(tr -dc '0-9' <"$pssf" 2>/dev/null); RUN_PSS=$([ -n "$kib" ] && num "$kib * 1024 / 1e6" || true); fi
}

# pairs: RUNS runs of each tool, alternating; then the medians WALL_S and WALL_R (seconds).
pairs() {
  local i
  WALLS=() RSS=() PSS=() FAILED_RUNS=0 MISMATCHES=0
  load_expected
  for i in $(seq 1 "$RUNS"); do
    if (( i % 2 )); then one sluice "$i"; one ref "$i"; else one ref "$i"; one sluice "$i"; fi
  done
  WALL_S=$(tr ' ' '\n' <<<"${WALLS[sluice]}" | grep . | bench_median)
  WALL_R=$(tr ' ' '\n' <<<"${WALLS[ref]}" | grep . | bench_median)
  say "$(printf '%-8s' "$W") median  sluice ${WALL_S} s  reference ${WALL_R} s  (sluice: ${WALLS[sluice]% }; reference: ${WALLS[ref]% })"
}

# warm N: one untimed, unchecked run of each tool over N other URLs (JIT, page cache, the server's caches).
warm() {
  [ "$WARM" = 1 ] || return 0
  local n=$1 tool
  for tool in sluice ref; do
    SUFFIX=$W_SUFFIX bench_urls "$n" "$W_BASE/w${tool:0:1}" "$BENCH_TMP/warm.txt"
    timed "$tool" "$BENCH_TMP/warm.out" "$BENCH_TMP/warm.db" "$BENCH_TMP/warm.txt"
  done
  rm -f "$BENCH_TMP"/warm.*
  say "$(printf '%-8s' "$W") warm-up: one untimed run of each tool over $n other URLs"
}

# uniform_expected N: every URL answers nginx's document (sha256 DOC_SHA; its .tags has 3 entries).
uniform_expected() {
  awk -v n="$1" -v sha="$DOC_SHA" 'BEGIN { OFS = "\t"; for (i = 1; i <= n; i++) print i, "nginx", "ok", "-", 200, 1, sha, 3, "-" }' >"$W_EXP"
}
fetch_expected() { # KIND: the Node origin's expectation for ids 1..W_N
  curl -sf "http://127.0.0.1:$NODE_PORT/expected/$1?n=$W_N&retries=${2:-3}" >"$W_EXP" || die "GET /expected/$1 failed"
}
verdict_line() { # NAME PASS(0|1) TEXT
  local v=FAIL note=""
  [ "$2" = 1 ] && v=PASS
  [ "$FAILED_RUNS" -ne 0 ] && note=" ($FAILED_RUNS runs failed or stored URLs not as expected: $MISMATCHES rows)"
  say "VERDICT $1: $3 $v$note"
  VERDICTS+=("$1 $v")
}
VERDICTS=()

# --- workloads -------------------------------------------------------------------------------------
wl_latency() {
  W=latency W_N=$LAT_URLS W_BASE="http://127.0.0.1:$NODE_PORT/lat" W_SUFFIX="?ms=$LAT_MS" W_RECS=1 W_RC=0
  W_EXP="$BENCH_TMP/latency.tsv"
  S_ARGS=(-c "$LAT_CONC" --per-host "$LAT_CONC" --jq "$JQ_SMALL") R_ARGS=(-c "$LAT_CONC" --proj small)
  local ideal; ideal=$(num "$LAT_URLS * $LAT_MS / 1000 / $LAT_CONC")
  say ""
  say "== latency: $LAT_URLS URLs x ${LAT_MS} ms from the Node origin, -c $LAT_CONC, jq '$JQ_SMALL'; ideal ${ideal} s"
  fetch_expected lat
  warm 500
  pairs
  local r_ideal r_ref pass
  r_ideal=$(num "$WALL_S / $ideal") r_ref=$(num "$WALL_S / $WALL_R")
  pass=$(awk -v a="$r_ideal" -v g="$LAT_GOAL" -v b="$r_ref" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && a <= g && b < 1) ? 1 : 0 }')
  verdict_line latency "$pass" "sluice ${WALL_S} s / ideal ${ideal} s = ${r_ideal}x (goal <= ${LAT_GOAL}x); sluice / reference ${WALL_R} s = ${r_ref}x (goal < 1)"
}

wl_short() {
  W=short W_N=$SHORT_N W_BASE="http://127.0.0.1:$NGINX_PORT/doc" W_SUFFIX="" W_RECS=1 W_RC=0 W_EXP="$BENCH_TMP/short.tsv"
  S_ARGS=(-c "$SHORT_CONC" --per-host "$SHORT_CONC" --jq "$JQ_SMALL") R_ARGS=(-c "$SHORT_CONC" --proj small)
  say ""
  say "== short: $SHORT_N URLs of 1 KiB JSON from nginx, -c $SHORT_CONC, jq '$JQ_SMALL'; reference on $REF_LOOP"
  uniform_expected "$SHORT_N"
  warm 5000
  pairs
  local us ur ratio pass
  us=$(num "$SHORT_N / $WALL_S") ur=$(num "$SHORT_N / $WALL_R") ratio=$(num "$WALL_R / $WALL_S")
  pass=$(awk -v r="$ratio" -v g="$SHORT_GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r >= g) ? 1 : 0 }')
  verdict_line short "$pass" "sluice ${us%.*} URLs/s / reference ($REF_LOOP) ${ur%.*} URLs/s = ${ratio}x (goal >= ${SHORT_GOAL}x)"
}

wl_cpu() {
  W=cpu W_N=$CPU_N W_BASE="http://127.0.0.1:$NODE_PORT/big" W_SUFFIX="" W_RECS=1 W_RC=0 W_EXP="$BENCH_TMP/cpu.tsv"
  S_ARGS=(-c "$CPU_CONC" --per-host "$CPU_CONC" --jq "$JQ_SUM") R_ARGS=(-c "$CPU_CONC" --proj sum)
  say ""
  say "== cpu: $CPU_N URLs of ~200 KB JSON (2,400 items) from the Node origin, -c $CPU_CONC, jq '$JQ_SUM' + SHA-256"
  fetch_expected big
  warm 200
  SAMPLE_PSS=1 pairs
  local ratio pass rs rr ps pr
  ratio=$(num "$WALL_S / $WALL_R")
  rs=$(tr ' ' '\n' <<<"${RSS[sluice]}" | grep . | bench_median) rr=$(tr ' ' '\n' <<<"${RSS[ref]}" | grep . | bench_median)
  ps=$(tr ' ' '\n' <<<"${PSS[sluice]}" | grep . | bench_median) pr=$(tr ' ' '\n' <<<"${PSS[ref]}" | grep . | bench_median)
  say "cpu      memory  peak RSS (largest process, /usr/bin/time %M) median: sluice ${rs} MB, reference ${rr} MB;"
  say "                 peak PSS of the whole process tree (sampled 4/s) median: sluice ${ps} MB, reference ${pr} MB"
  pass=$(awk -v r="$ratio" -v g="$CPU_GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r <= g) ? 1 : 0 }')
  verdict_line cpu "$pass" "sluice ${WALL_S} s / reference ${WALL_R} s = ${ratio}x (goal <= ${CPU_GOAL}x); peak RSS sluice ${rs} MB, reference ${rr} MB (tree PSS ${pr} MB)"
}

wl_faults() {
  W=faults W_N=$FAULT_N W_BASE="http://127.0.0.1:$NODE_PORT/fault" W_SUFFIX="" W_RECS=1 W_RC=3 W_EXP="$BENCH_TMP/faults.tsv"
  S_ARGS=(-c "$FAULT_CONC" --per-host "$FAULT_CONC" --timeout "${FAULT_TIMEOUT}s" --retries "$FAULT_RETRIES" --jq "$JQ_SMALL")
  R_ARGS=(-c "$FAULT_CONC" --timeout "$FAULT_TIMEOUT" --retries "$FAULT_RETRIES" --proj small)
  say ""
  say "== faults: $FAULT_N URLs of the Node origin's fault plan, --timeout ${FAULT_TIMEOUT}s --retries $FAULT_RETRIES -c $FAULT_CONC, jq '$JQ_SMALL'"
  fetch_expected fault "$FAULT_RETRIES"
  say "faults   plan: $(cut -f2 "$W_EXP" | sort | uniq -c | sort -rn | awk '{ printf "%s%s %d", sep, $2, $1; sep = ", " }')"
  say "faults   expected: $(awk -F'\t' '{ print ($3 == "ok") ? "ok" : $4 }' "$W_EXP" | sort | uniq -c | sort -rn | awk '{ printf "%s%s %d", sep, $2, $1; sep = ", " }')"
  pairs
  local open ratio pass
  sleep 0.5
  open=$(node_stat "['hangingNow']" 2>/dev/null || echo '?')
  say "faults   origin: hung requests started $(node_stat "['hangsStarted']"), still open after the runs: $open (each closed when its client gave up)"
  ratio=$(num "$WALL_S / $WALL_R")
  pass=$(awk -v r="$ratio" -v g="$FAULT_GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r <= g) ? 1 : 0 }')
  verdict_line faults "$pass" "every URL as expected in every run: $([ "$FAILED_RUNS" -eq 0 ] && echo yes || echo no); sluice ${WALL_S} s / reference ${WALL_R} s = ${ratio}x (goal <= ${FAULT_GOAL}x)"
}

wl_long() {
  W=long W_N=$LONG_N W_BASE="http://127.0.0.1:$NGINX_PORT/doc" W_SUFFIX="" W_RECS=0 W_RC=0 W_EXP="$BENCH_TMP/long.tsv"
  S_ARGS=(-c "$LONG_CONC" --per-host "$LONG_CONC")
  say ""
  say "== long: $LONG_N URLs of 1 KiB from nginx, -c $LONG_CONC, no processing; vs wrk -t2 -c$LONG_CONC -d${WRK_SECONDS}s"
  uniform_expected "$LONG_N"
  load_expected
  local i wrks=() rates=() rps wrk_err rate
  WALLS=() FAILED_RUNS=0 MISMATCHES=0
  for i in $(seq 1 "$RUNS"); do
    timeout $(( WRK_SECONDS + 30 )) wrk -t2 -c"$LONG_CONC" -d"${WRK_SECONDS}s" "http://127.0.0.1:$NGINX_PORT/doc/wrk" >"$BENCH_TMP/wrk.out" 2>&1 ||
      { cat "$BENCH_TMP/wrk.out"; die "wrk failed"; }
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$BENCH_TMP/wrk.out")
    [ -n "$rps" ] || { cat "$BENCH_TMP/wrk.out"; die "no Requests/sec in wrk output"; }
    wrk_err=$(grep -E 'Non-2xx|Socket errors' "$BENCH_TMP/wrk.out" | tr -s ' ' | paste -sd ';' || true)
    say "long     wrk    run $i  ${rps} req/s${wrk_err:+  [$wrk_err]}"
    wrks+=("$rps")
    one sluice "$i"
    rate=$(num "$LONG_N / $BENCH_WALL"); rates+=("$rate")
    say "long     sluice run $i  -> ${rate%.*} URLs/s whole command"
  done
  local ms mw ratio pass
  ms=$(printf '%s\n' "${rates[@]}" | bench_median) mw=$(printf '%s\n' "${wrks[@]}" | bench_median)
  ratio=$(num "$ms / $mw")
  say "long     median  sluice ${ms%.*} URLs/s, wrk ${mw%.*} req/s"
  pass=$(awk -v r="$ratio" -v g="$LONG_GOAL" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r >= g) ? 1 : 0 }')
  verdict_line long "$pass" "sluice ${ms%.*} URLs/s / wrk ${mw%.*} req/s = ${ratio} (goal >= ${LONG_GOAL})"
}

wl_startup() {
  say ""
  say "== startup: hyperfine, $HF_RUNS runs after 3 warm-ups, medians"
  bench_ensure_built >/dev/null
  local db="$BENCH_TMP/one.db" rdb="$BENCH_TMP/one-ref.db" one="$BENCH_TMP/one.txt" json="$BENCH_TMP/hf.json"
  echo "http://127.0.0.1:$NGINX_PORT/doc/one" >"$one"
  FAILED_RUNS=0 MISMATCHES=0
  # --prepare: once per command, in order (nothing before --help; a fresh database before each run)
  timeout 600 hyperfine -N --warmup 3 --runs "$HF_RUNS" --export-json "$json" --style none -i \
    --prepare true --prepare "rm -f $db $db-wal $db-shm" --prepare "rm -f $rdb $rdb-wal $rdb-shm" \
    -n 'sluice --help' "$SLUICE --help" \
    -n 'sluice one URL' "$SLUICE run $one --db $db --no-progress -q" \
    -n 'reference one URL' "/usr/bin/python3 $REF $one --db $rdb ${REF_FLAGS[*]}" \
    >"$BENCH_TMP/hf.out" 2>&1 || { cat "$BENCH_TMP/hf.out"; die "hyperfine failed"; }
  local help one_s one_r summary
  summary=$(/usr/bin/python3 -c "import json, sys
r = json.load(open(sys.argv[1]))['results']
for x in r:
    print('startup  %-18s median %4.0f ms  mean %4.0f ms  min %4.0f  max %4.0f  (%d runs)  exit codes %s' % (x['command'],
      x['median'] * 1000, x['mean'] * 1000, x['min'] * 1000, x['max'] * 1000, len(x['times']), sorted(set(x.get('exit_codes') or []))))
print('MEDIANS', ' '.join('%.0f' % (x['median'] * 1000) for x in r))" "$json")
  grep -v '^MEDIANS' <<<"$summary"
  read -r help one_s one_r < <(sed -n 's/^MEDIANS //p' <<<"$summary")
  sleep 0.1
  [ "$(sqlite3 "$db" "select count(*) from results where status = 'ok' and sha256 = '$DOC_SHA'" 2>/dev/null)" = 1 ] ||
    { FAILED_RUNS=1; say "  the last one-URL Sluice run did not store its URL ok"; }
  [ "$(sqlite3 "$rdb" "select count(*) from results where status = 'ok' and sha256 = '$DOC_SHA'" 2>/dev/null)" = 1 ] ||
    say "  the last one-URL reference run did not store its URL ok"
  local pass
  pass=$(awk -v h="$help" -v o="$one_s" -v gh="$HELP_MS" -v go="$ONE_MS" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && h <= gh && o <= go) ? 1 : 0 }')
  verdict_line startup "$pass" "sluice --help ${help} ms (goal <= ${HELP_MS}), one-URL run ${one_s} ms (goal <= ${ONE_MS}); reference one-URL run ${one_r} ms"
}

for w in $WORKLOADS; do "wl_$w"; done
say ""
passed=$(printf '%s\n' "${VERDICTS[@]}" | grep -c ' PASS$' || true)
say "VERDICT neutral: ${VERDICTS[*]/%/;} ($passed of ${#VERDICTS[@]} PASS) $([ "$passed" -eq ${#VERDICTS[@]} ] && echo PASS || echo FAIL)"
[ "$passed" -eq ${#VERDICTS[@]} ]

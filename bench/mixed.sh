#!/usr/bin/env bash
# Mixed-hosts benchmark: do a slow host and a throttling host hold the fast ones back?
# One Origin JVM serves HOSTS loopback ports (`--ports A-B`: each port is a distinct host to Sluice,
# whose per-host key is host:port). FAST_HOSTS of them answer after FAST_MS; one after SLOW_MS (10x
# slower); one answers 429 with probability THROTTLE (no Retry-After: Sluice's exponential host back-off
# applies) after FAST_MS. The input lists PER_HOST_URLS distinct URLs per host, interleaved round-robin
# over the hosts (20,000 URLs by default).
#   reference: only the fast hosts' URLs (16,000), `bin/sluice run ref.txt -c CONC --per-host PER_HOST
#              --no-progress -q`, fresh database;
#   mixed:     all the URLs, same command and limits.
# "Fast hosts done" = the latest fetched_at among the fast hosts' rows minus the wall clock just before
# bin/sluice was launched (ms, UTC, the clock of fetched_at), measured the same way for both runs, so
# both include JVM start-up alike. The whole wall times are shown too: the mixed run necessarily lasts
# as long as the slow host needs (2,000 x 200 ms / 8 = 50 s), which is not the goal.
# Reference and mixed run alternately, PAIRS times, after one untimed warm-up run (origin JIT).
# Goal: median over the pairs of (mixed fast-hosts-done / reference fast-hosts-done) <= GOAL (1.2).
# Every run must store every URL of the fast and slow hosts, all ok. The throttled host is slow by design
# (each 429 halves its cap, down to 1 in flight, and blocks it for a growing time): the mixed run is
# stopped (SIGTERM from `timeout`, a graceful stop) after MIXED_LIMIT seconds, well after the slow host is
# done, and the throttled host's rows stored by then are counted (some fail: 429 after the retries).
# Env: PAIRS (3), FAST_HOSTS (8), PER_HOST_URLS (2000), FAST_MS (20), SLOW_MS (200), THROTTLE (0.5),
#      CONC (64), PER_HOST (8), GOAL (1.2), WARM_URLS (4000, 0 = no warm-up), LIMIT (300 s per reference
#      run), MIXED_LIMIT (90 s per mixed run).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAIRS=${PAIRS:-3} FAST_HOSTS=${FAST_HOSTS:-8} PER_HOST_URLS=${PER_HOST_URLS:-2000} FAST_MS=${FAST_MS:-20}
SLOW_MS=${SLOW_MS:-200} THROTTLE=${THROTTLE:-0.5} CONC=${CONC:-64} PER_HOST=${PER_HOST:-8} GOAL=${GOAL:-1.2}
WARM_URLS=${WARM_URLS:-4000} LIMIT=${LIMIT:-300} MIXED_LIMIT=${MIXED_LIMIT:-90}
HOSTS=$(( FAST_HOSTS + 2 ))
N_MIXED=$(( HOSTS * PER_HOST_URLS )) N_REF=$(( FAST_HOSTS * PER_HOST_URLS ))
bench_need "sqlite3:sqlite3" "curl:curl"
bench_init

say "== mixed-hosts benchmark: $FAST_HOSTS fast hosts (${FAST_MS} ms) + 1 slow (${SLOW_MS} ms) + 1 throttled (429 p=${THROTTLE}, ${FAST_MS} ms), $PER_HOST_URLS URLs each, -c $CONC --per-host $PER_HOST"
say "   goal: fast hosts done in the mixed run <= ${GOAL} x the reference run (fast hosts only), median of $PAIRS pairs"
bench_warmup
bench_start_origins "$HOSTS"
SLOW_PORT=${ORIGIN_PORTS[$FAST_HOSTS]} THROTTLED_PORT=${ORIGIN_PORTS[$(( FAST_HOSTS + 1 ))]}
FAST_PORTS="${ORIGIN_PORTS[*]:0:$FAST_HOSTS}"
say "hosts       fast 127.0.0.1:{${FAST_PORTS// /,}}  slow :$SLOW_PORT  throttled :$THROTTLED_PORT"

# The path tells a row's host class: /f/ fast, /s/ slow, /t/ throttled (/w/ warm-up).
# urls FILE WITH_OTHERS [COUNT PATH]: COUNT URLs per host, round-robin over the hosts.
urls() {
  local file=$1 others=$2 count=${3:-$PER_HOST_URLS} path=${4:-}
  awk -v n="$count" -v fast="$FAST_PORTS" -v slow="$SLOW_PORT" -v thr="$THROTTLED_PORT" -v others="$others" \
      -v fms="$FAST_MS" -v sms="$SLOW_MS" -v p="$THROTTLE" -v path="$path" 'BEGIN {
    k = split(fast, f, " ")
    for (i = 1; i <= n; i++) {
      for (h = 1; h <= k; h++) printf "http://127.0.0.1:%s/%s/%d?latency=%s\n", f[h], path ? path : "f", i, fms
      if (others) {
        printf "http://127.0.0.1:%s/s/%d?latency=%s\n", slow, i, sms
        printf "http://127.0.0.1:%s/t/%d?latency=%s&throttle=%s&failStatus=429\n", thr, i, fms, p
      }
    } }' >"$file"
}
urls "$BENCH_TMP/ref.txt" 0
urls "$BENCH_TMP/mixed.txt" 1
[ "$(wc -l <"$BENCH_TMP/ref.txt")" -eq "$N_REF" ] && [ "$(wc -l <"$BENCH_TMP/mixed.txt")" -eq "$N_MIXED" ] ||
  die "URL lists have the wrong length"
probe=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ORIGIN_PORTS[0]}/probe?latency=$FAST_MS" || true)
[ "$probe" = 200 ] || die "the first fast host answers '$probe' instead of 200 (see $BENCH_TMP/origins.log)"

if [ "$WARM_URLS" -gt 0 ]; then
  urls "$BENCH_TMP/warm.txt" 0 $(( (WARM_URLS + FAST_HOSTS - 1) / FAST_HOSTS )) w
  timeout "$LIMIT" "$SLUICE" run "$BENCH_TMP/warm.txt" -c "$CONC" --per-host "$PER_HOST" --db "$BENCH_TMP/warm.db" \
    --no-progress -q >/dev/null 2>&1 || true
  say "warm-up     one untimed run of $(wc -l <"$BENCH_TMP/warm.txt") other URLs on the fast hosts (origin JIT)"
fi

MS_MAX=$(bench_sql_epoch_ms 'max(fetched_at)')
# class_stats DB: one line per host class: "class rows ok failed last_fetched_ms max_attempts retries"
class_stats() {
  sqlite3 -separator ' ' "$1" "select cls, count(*), sum(status = 'ok'), sum(status <> 'ok'), $MS_MAX,
      max(attempts), sum(attempts) - count(*)
    from (select case when url like '%/f/%' then 'fast' when url like '%/s/%' then 'slow' else 'throttled' end cls,
                 status, attempts, fetched_at from results)
    group by cls order by cls"
}

failed=0 ratios=() ref_dones=() mix_dones=() ref_walls=() mix_walls=()
# run KIND PAIR: one timed run; sets DONE (s, fast hosts done) and prints its lines.
run() {
  local kind=$1 i=$2 list=$BENCH_TMP/$1.txt expect=$N_REF db=$BENCH_TMP/$1$2.db out=$BENCH_TMP/$1$2.out limit=$LIMIT
  [ "$kind" = mixed ] && expect=$(( N_REF + PER_HOST_URLS )) limit=$MIXED_LIMIT # fast + slow; the throttled host is partial
  BENCH_DB=$db BENCH_LIMIT=$limit bench_timed_sluice "$out" \
    run "$list" -c "$CONC" --per-host "$PER_HOST" --db "$db" --no-progress -q
  local cls rows ok bad last maxatt retries total=0 bad_here=0 fast_last="" lines=""
  local stats; stats=$(class_stats "$db" 2>/dev/null || true)
  while read -r cls rows ok bad last maxatt retries; do
    [ -n "$cls" ] || continue
    [ "$cls" = throttled ] || total=$(( total + rows ))
    [ "$cls" = fast ] && fast_last=$last
    local lastrel; lastrel=$(awk -v l="$last" -v t="$BENCH_T0_MS" 'BEGIN { printf "%.3f", (l - t) / 1000 }')
    lines+="  $(printf '%-9s rows %5d  ok %5d  failed %4d  retries %5d  max attempts %d  last stored at %7s s' \
        "$cls" "$rows" "$ok" "$bad" "$retries" "$maxatt" "$lastrel")"$'\n'
    if [ "$cls" != throttled ] && [ "$bad" -ne 0 ]; then bad_here=1; fi
  done <<<"$stats"
  [ "$total" -eq "$expect" ] || bad_here=1
  [ -n "$fast_last" ] || bad_here=1
  # mixed: exit 3 (some URLs failed: the throttled host's only, checked above) or 124 (stopped at MIXED_LIMIT)
  if [ "$BENCH_RC" -ne 0 ] && { [ "$kind" = ref ] || { [ "$BENCH_RC" -ne 3 ] && [ "$BENCH_RC" -ne 124 ]; }; }; then bad_here=1; fi
  DONE=$(awk -v l="${fast_last:-0}" -v t="$BENCH_T0_MS" 'BEGIN { printf "%.3f", (l - t) / 1000 }')
  say "$(printf '%-5s %d   fast hosts done %7s s   wall %7s s   exit %d   fast+slow stored %d/%d' "$kind" "$i" "$DONE" "$BENCH_WALL" "$BENCH_RC" "$total" "$expect")  | sluice: $(bench_sluice_line "$out")"
  printf '%s' "$lines"
  if [ "$bad_here" -ne 0 ]; then
    failed=1
    [ "$BENCH_RC" -eq 124 ] && say "  stopped after ${limit} s (timeout)"
    sed 's/^/  | /' "$out" | tail -n 20
    bench_db_errors "$db" | sed 's/^/  failed rows (error http count): /'
  fi
  rm -f "$db" "$db-wal" "$db-shm"
}

for i in $(seq 1 "$PAIRS"); do
  run ref "$i";   ref_done=$DONE; ref_walls+=("$BENCH_WALL")
  run mixed "$i"; mix_done=$DONE; mix_walls+=("$BENCH_WALL")
  ratio=$(awk -v a="$mix_done" -v b="$ref_done" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 999 }')
  say "pair  $i   mixed fast hosts done ${mix_done} s / reference ${ref_done} s = ${ratio}x"
  ratios+=("$ratio") ref_dones+=("$ref_done") mix_dones+=("$mix_done")
done

med_ratio=$(printf '%s\n' "${ratios[@]}" | bench_median)
say "median      reference: fast hosts done $(printf '%s\n' "${ref_dones[@]}" | bench_median) s, wall $(printf '%s\n' "${ref_walls[@]}" | bench_median) s"
say "median      mixed:     fast hosts done $(printf '%s\n' "${mix_dones[@]}" | bench_median) s, wall $(printf '%s\n' "${mix_walls[@]}" | bench_median) s (stopped at MIXED_LIMIT; the slow host is done at about 50 s)"
say "ratios      ${ratios[*]}"
verdict=$(awk -v r="$med_ratio" -v g="$GOAL" -v f="$failed" 'BEGIN { print (f == 0 && r <= g) ? "PASS" : "FAIL" }')
note=""; [ "$failed" -ne 0 ] && note=" (some run failed, lost rows or had failed fast/slow rows)"
say "VERDICT mixed: median ratio of fast-hosts-done mixed/reference ${med_ratio}x (goal <= ${GOAL}x) ${verdict}${note}"
[ "$verdict" = PASS ]

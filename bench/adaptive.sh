#!/usr/bin/env bash
# Adaptive-concurrency benchmark: does `-c auto` find a server's best concurrency by itself?
# One host (the test Origin) whose latency grows with its in-flight count: each request waits
# LATENCY_MS + max(0, inFlight - KNEE) * kneeStep ms (`?latency=32&knee=32&kneeStep=S`), two models:
#   queueing  (kneeStep 1): 32 workers of 32 ms: throughput plateaus at ~1,000/s past 32 in flight;
#   degrading (kneeStep 2): past 32 in flight throughput falls (~670/s at 64, ~530/s at 256).
# For each model: a sweep of fixed limits `bin/sluice run urls.txt -c C --per-host C` for C in SWEEP,
# then the midpoints either side of the best (3C/4 and 3C/2, within 1..256, not yet run), then
# `-c auto` (no --per-host: its ceiling, 256) with the same URL count as the best fixed run, alternating
# AUTO_RUNS times with a re-run of that best fixed limit.
# URL counts: a run at limit C gets min(N, max(MIN_URLS, RUN_SECONDS * C * 1000 / LATENCY_MS)) distinct
# URLs, i.e. about RUN_SECONDS at the unloaded rate C / LATENCY_MS, capped by N (8,000: ~8 s at the
# best rate); throughput is compared, not times, so the counts may differ.
# Throughput = Sluice's own summary line (stored URLs / its run time, JVM start-up excluded, since the
# counts differ from run to run); the whole-command rate (URLs / wall seconds of bin/sluice, JVM
# start-up included) is shown as well. "in flight" = own rate x mean elapsed_ms of the rows (Little's
# law): the concurrency the run actually held. Every run must store every URL ok.
# All runs use the same flags: --no-progress and the INFO log (not -q), so that the auto runs' log
# shows the adaptive limit's 'concurrency limit A -> B' lines (at most one per 5 s per host).
# Goal, for each model: median auto rate >= GOAL (0.90) x median rate of the best fixed limit (its
# sweep run and its re-runs).
# Env: N (8000), RUN_SECONDS (6), MIN_URLS (100), SWEEP ("1 2 4 8 16 32 64 128 256"),
#      MODELS ("queueing:1 degrading:2", name:kneeStep), LATENCY_MS (32), KNEE (32), AUTO (auto, the -c
#      value of the adaptive run, e.g. auto:128), AUTO_RUNS (2), GOAL (0.90), WARM_URLS (4000, 0 = none),
#      LIMIT (120 s per run).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-8000} RUN_SECONDS=${RUN_SECONDS:-6} MIN_URLS=${MIN_URLS:-100} SWEEP=${SWEEP:-"1 2 4 8 16 32 64 128 256"}
MODELS=${MODELS:-"queueing:1 degrading:2"} LATENCY_MS=${LATENCY_MS:-32} KNEE=${KNEE:-32} AUTO=${AUTO:-auto}
AUTO_RUNS=${AUTO_RUNS:-2} GOAL=${GOAL:-0.90} WARM_URLS=${WARM_URLS:-4000} LIMIT=${LIMIT:-120}
MAX_C=256
bench_need "sqlite3:sqlite3" "curl:curl"
bench_init

say "== adaptive benchmark: one host, latency ${LATENCY_MS} ms + (inFlight - ${KNEE}) x kneeStep; models: ${MODELS}"
say "   fixed sweep -c C --per-host C for C in {${SWEEP// /,}} + midpoints around the best, then -c ${AUTO}; goal auto >= ${GOAL} x best fixed"
bench_warmup
bench_start_origin
BASE="http://127.0.0.1:$ORIGIN_PORT"
probe=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/probe?latency=1" || true)
[ "$probe" = 200 ] || die "the Origin answers '$probe' instead of 200"

if [ "$WARM_URLS" -gt 0 ]; then
  SUFFIX="?latency=$LATENCY_MS&knee=$KNEE&kneeStep=1" bench_urls "$WARM_URLS" "$BASE/warm" "$BENCH_TMP/warm.txt"
  timeout "$LIMIT" "$SLUICE" run "$BENCH_TMP/warm.txt" -c 32 --per-host 32 --db "$BENCH_TMP/warm.db" \
    --no-progress -q >/dev/null 2>&1 || true
  say "warm-up     one untimed run of $WARM_URLS other URLs at -c 32 (origin JIT)"
fi

count_for() { # URL count for a fixed limit C
  awk -v c="$1" -v s="$RUN_SECONDS" -v l="$LATENCY_MS" -v n="$N" -v m="$MIN_URLS" 'BEGIN {
    k = int(s * c * 1000 / l); if (k < m) k = m; if (k > n) k = n; print k }'
}

failed=0 verdicts=() summary=()
# measure MODEL STEP LABEL COUNT ARGS...: one timed run; sets RATE (own URLs/s), WHOLE, INFL, P50.
measure() {
  local model=$1 step=$2 label=$3 count=$4; shift 4
  local list="$BENCH_TMP/urls-$step-$count.txt" db="$BENCH_TMP/run.db" out="$BENCH_TMP/$model-$label.out"
  [ -f "$list" ] || SUFFIX="?latency=$LATENCY_MS&knee=$KNEE&kneeStep=$step" bench_urls "$count" "$BASE/$model" "$list"
  BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$list" "$@" --db "$db" --no-progress
  local total ok mean own own_s line
  read -r total ok < <(bench_db_counts "$db")
  mean=$(sqlite3 "$db" "select coalesce(avg(elapsed_ms), 0) from results" 2>/dev/null || echo 0)
  line=$(bench_sluice_line "$out")
  # "throughput  2,894.7 URLs/s over 5.53 s"
  read -r own own_s < <(awk '{ gsub(",", "", $2); print $2, $5 }' <<<"${line:-throughput 0 URLs/s over 0 s}")
  RATE=$(awk -v r="$own" 'BEGIN { printf "%.1f", r }')
  WHOLE=$(awk -v n="$total" -v w="$BENCH_WALL" 'BEGIN { printf "%.1f", (w > 0) ? n / w : 0 }')
  INFL=$(awk -v r="$own" -v m="$mean" 'BEGIN { printf "%.1f", r * m / 1000 }')
  P50=$(sed -n 's/^ *latency *p50 \([0-9]*\) ms.*/\1/p' "$out" | head -n 1)
  printf '%-11s %-9s %6d %8s %10s %10s %8s %9s %8s\n' "$model" "$label" "$count" "$BENCH_WALL" "$RATE" "$WHOLE" \
    "${P50:-?}" "$(awk -v m="$mean" 'BEGIN { printf "%.1f", m }')" "$INFL"
  if [ "$BENCH_RC" -ne 0 ] || [ "$total" -ne "$count" ] || [ "$ok" -ne "$count" ] || [ -z "$line" ]; then
    failed=1
    say "  run failed: exit $BENCH_RC, stored $total/$count, ok $ok"
    [ "$BENCH_RC" -eq 124 ] && say "  stopped after ${LIMIT} s (timeout)"
    sed 's/^/  | /' "$out" | tail -n 20
    bench_db_errors "$db" | sed 's/^/  failed rows (error http count): /'
  fi
  rm -f "$db" "$db-wal" "$db-shm"
}

header() {
  printf '%-11s %-9s %6s %8s %10s %10s %8s %9s %8s\n' model run URLs "wall s" "URLs/s" "whole/s" "p50 ms" "mean ms" "inflight"
}

for m in $MODELS; do
  model=${m%%:*} step=${m#*:}
  say ""
  say "-- model ${model}: latency=${LATENCY_MS}&knee=${KNEE}&kneeStep=${step}"
  header
  declare -A rate=() cnt=()
  for c in $SWEEP; do
    k=$(count_for "$c")
    measure "$model" "$step" "c=$c" "$k" -c "$c" --per-host "$c"
    rate[$c]=$RATE cnt[$c]=$k
  done
  best_of() { local b="" c; for c in "${!rate[@]}"; do
      if [ -z "$b" ] || awk -v a="${rate[$c]}" -v b="${rate[$b]}" 'BEGIN { exit !(a > b) }'; then b=$c; fi
    done; echo "$b"; }
  best=$(best_of)
  for c in $(( best * 3 / 4 )) $(( best * 3 / 2 )); do
    if [ "$c" -ge 1 ] && [ "$c" -le "$MAX_C" ] && [ -z "${rate[$c]:-}" ]; then
      k=$(count_for "$c")
      measure "$model" "$step" "c=$c" "$k" -c "$c" --per-host "$c"
      rate[$c]=$RATE cnt[$c]=$k
    fi
  done
  best=$(best_of)
  k=${cnt[$best]}
  fixed_rates=("${rate[$best]}") auto_rates=() auto_whole=()
  for i in $(seq 1 "$AUTO_RUNS"); do
    measure "$model" "$step" "auto#$i" "$k" -c "$AUTO"
    auto_rates+=("$RATE") auto_whole+=("$WHOLE")
    grep -E 'concurrency limit' "$BENCH_TMP/$model-auto#$i.out" | sed 's/^/    log: /' | tail -n 12 || true
    measure "$model" "$step" "c=$best#$i" "$k" -c "$best" --per-host "$best"
    fixed_rates+=("$RATE")
  done
  fixed_med=$(printf '%s\n' "${fixed_rates[@]}" | bench_median)
  auto_med=$(printf '%s\n' "${auto_rates[@]}" | bench_median)
  ratio=$(awk -v a="$auto_med" -v b="$fixed_med" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
  ok=$(awk -v r="$ratio" -v g="$GOAL" 'BEGIN { print (r >= g) ? "PASS" : "FAIL" }')
  say "${model}: best fixed -c ${best} (${k} URLs): ${fixed_rates[*]} URLs/s, median ${fixed_med}; auto: ${auto_rates[*]} URLs/s, median ${auto_med} -> ${ratio}x (goal >= ${GOAL}) ${ok}"
  verdicts+=("$ok") summary+=("${model} ${ratio}x (auto ${auto_med} / fixed c=${best} ${fixed_med} URLs/s)")
  unset rate cnt
done

say ""
verdict=PASS
for v in "${verdicts[@]}"; do [ "$v" = PASS ] || verdict=FAIL; done
[ "$failed" -eq 0 ] || verdict=FAIL
note=""; [ "$failed" -ne 0 ] && note=" (some run failed or lost rows)"
say "VERDICT adaptive: $(IFS=';'; echo "${summary[*]}" | sed 's/;/; /g') (goal >= ${GOAL}x each) ${verdict}${note}"
[ "$verdict" = PASS ]

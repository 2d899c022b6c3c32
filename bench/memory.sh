#!/usr/bin/env bash
# Memory benchmark: peak RSS (GNU time %M) of `bin/sluice run urls.txt -c 64 --per-host 64` (one host) over N_SMALL and
# N_LARGE distinct URLs of a 1 KiB JSON document served by a 1-worker nginx on loopback.
# Goal: peak RSS for N_LARGE <= 400 MB and <= 1.20 x the peak RSS for N_SMALL.
# (MB = 10^6 bytes; GNU time reports KiB.) Every URL must also be stored ok.
# Env: N_SMALL (100000), N_LARGE (1000000), CONC (64), MAX_MB (400), MAX_GROWTH (1.20),
#      LIMIT (seconds allowed per sluice run, 1800).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N_SMALL=${N_SMALL:-100000} N_LARGE=${N_LARGE:-1000000} CONC=${CONC:-64}
MAX_MB=${MAX_MB:-400} MAX_GROWTH=${MAX_GROWTH:-1.20} LIMIT=${LIMIT:-1800}
bench_need "nginx:nginx" "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time"
bench_init

say "== memory benchmark: peak RSS over $N_SMALL and $N_LARGE URLs from nginx, -c $CONC; goal <= ${MAX_MB} MB and <= ${MAX_GROWTH} x small"
bench_warmup
bench_start_nginx

failed=0
measure() { # N LABEL -> sets RSS_MB
  local n=$1 label=$2 db="$BENCH_TMP/$2.db" total ok rss_kib
  bench_urls "$n" "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/$label.txt"
  BENCH_PREFIX=(/usr/bin/time -f '%M' -o "$BENCH_TMP/$label.rss")
  BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$BENCH_TMP/$label.out" \
    run "$BENCH_TMP/$label.txt" -c "$CONC" --per-host "$CONC" --db "$db" --no-progress -q
  BENCH_PREFIX=()
  rss_kib=$(tail -n 1 "$BENCH_TMP/$label.rss" 2>/dev/null | tr -dc '0-9')
  RSS_MB=$(awk -v k="${rss_kib:-0}" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')
  read -r total ok < <(bench_db_counts "$db")
  say "$(printf '%-11s' "$label") ${n} URLs: peak RSS ${RSS_MB} MB ($(awk -v k="${rss_kib:-0}" 'BEGIN { printf "%.1f", k / 1024 }') MiB)  wall ${BENCH_WALL} s  exit ${BENCH_RC}  stored ${total} ok ${ok}  | sluice: $(bench_sluice_line "$BENCH_TMP/$label.out")"
  if [ "$BENCH_RC" -ne 0 ] || [ "$total" -ne "$n" ] || [ "$ok" -ne "$n" ] || [ -z "$rss_kib" ]; then
    failed=1
    [ "$BENCH_RC" -eq 124 ] && say "  sluice was stopped after ${LIMIT} s (timeout)"
    grep -v '^[0-9]*$' "$BENCH_TMP/$label.out" | sed 's/^/  | /' | tail -n 30
    bench_db_errors "$db" | sed 's/^/  failed rows (error http count): /'
  fi
  rm -f "$db" "$db-wal" "$db-shm" "$BENCH_TMP/$label.txt"
}

measure "$N_SMALL" small; small=$RSS_MB
measure "$N_LARGE" large; large=$RSS_MB

ratio=$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
verdict=$(awk -v l="$large" -v r="$ratio" -v m="$MAX_MB" -v g="$MAX_GROWTH" -v f="$failed" \
  'BEGIN { print (f == 0 && l > 0 && l <= m && r <= g) ? "PASS" : "FAIL" }')
note=""; [ "$failed" -ne 0 ] && note=" (a run failed or rows missing/not ok)"
say "VERDICT memory: peak RSS ${large} MB for ${N_LARGE} URLs (goal <= ${MAX_MB} MB); ${large} / ${small} MB for ${N_SMALL} = ${ratio}x (goal <= ${MAX_GROWTH}x) ${verdict}${note}"
[ "$verdict" = PASS ]

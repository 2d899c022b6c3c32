#!/usr/bin/env bash
# CPU per URL: what one stored URL costs Sluice in CPU time (user + sys of the whole JVM, from /usr/bin/time),
# the figure to read on a shared, noisy machine where wall clock is not. nginx (1 worker) serves the lib.sh
# 1 KiB JSON on loopback; each run is `bin/sluice run urls.txt -c 64 --per-host 64 --db NEW --no-progress -q`
# over N distinct URLs, in one or more modes:
#   store  no processing (hash + store)
#   jq     --jq "$JQ" (default '{name, n: (.tags|length)}': one record per URL)
# Each line: user+sys µs per URL, whole-command URLs/s (wall, JVM start included), nginx's own µs per URL,
# peak RSS, the load average; every URL must be stored ok. With THREADS=1 also the JVM's CPU by thread
# group (from /proc/PID/task/*/stat, sampled every 0.2 s; JIT, GC, writer, admission, input, process pool,
# virtual-thread carriers, Jetty selectors), in µs per URL. Ends with the medians per variant and mode,
# and `wrk -t2 -c64 -d10s` against the same nginx (req/s), and the ratio of the median URLs/s to it.
#
# Variants: VARIANTS="name=TREE ..." (default "this=<this tree>"): each TREE is a source tree with its own
# bin/sluice (its own jar and caches); variants alternate within each run (order rotated every run) so that
# a baseline and a change see the same machine. A baseline tree without git worktrees:
#   mkdir -p /tmp/base && git archive HEAD~1 | tar -x -C /tmp/base && /tmp/base/bin/sluice --version
#   VARIANTS="base=/tmp/base this=$PWD" bench/cpu-per-url.sh
# A variant's own JVM options: JAVA_OPTS_<name> (added to SLUICE_JAVA_OPTS), e.g. the same tree twice:
#   VARIANTS="tiered=$PWD c1=$PWD" JAVA_OPTS_c1=-XX:TieredStopAtLevel=1 bench/cpu-per-url.sh
# Env: N (50000), MODES ("store jq"), RUNS (3), JQ, CONC (64), THREADS (0), WRK_SECONDS (10; 0 = no wrk),
#      SLUICE_ARGS (extra options for every run), LIMIT (600 s per run), KEEP_OUT (a dir: keep each run's output).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-50000} MODES=${MODES:-"store jq"} RUNS=${RUNS:-3} CONC=${CONC:-64} THREADS=${THREADS:-0}
JQ=${JQ:-'{name, n: (.tags|length)}'} WRK_SECONDS=${WRK_SECONDS:-10} LIMIT=${LIMIT:-600}
VARIANTS=${VARIANTS:-"this=$BENCH_ROOT"}
bench_need "nginx:nginx" "wrk:wrk" "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time"
bench_init

say "== CPU per URL: $N URLs of 1 KiB JSON from nginx, -c $CONC --per-host $CONC, modes: $MODES, $RUNS run(s)"
bench_warmup
for v in $VARIANTS; do
  tree=${v#*=}
  [ -x "$tree/bin/sluice" ] || die "no $tree/bin/sluice"
  "$tree/bin/sluice" --version >"$BENCH_TMP/version.out" 2>&1 || { cat "$BENCH_TMP/version.out"; die "${v%%=*} does not build"; }
  opts_var="JAVA_OPTS_${v%%=*}"
  say "variant     ${v%%=*}: $tree${!opts_var:+ with JVM options '${!opts_var}'} ($(git -C "$tree" log -1 --format='%h %s' 2>/dev/null | cut -c1-70 || echo 'no git'))"
done
bench_start_nginx
bench_urls "$N" "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/urls.txt"
nginx_worker() { ps -o pid= --ppid "$(cat "$NGINX_DIR/nginx.pid")" | head -n 1 | tr -d ' ' || true; }
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; } # utime + stime, clock ticks
HZ=$(getconf CLK_TCK)

# thread_sampler PID OUT: every 0.2 s, the latest utime+stime of each thread of PID (name by /proc comm), kept
# after the thread ends; at the end OUT has "name ticks" lines summed by thread group.
thread_sampler() {
  local pid=$1 out=$2 java=""
  while kill -0 "$pid" 2>/dev/null; do # bin/sluice execs java: same pid, later a java comm
    java=$pid
    for t in /proc/"$pid"/task/*; do
      local line=""
      { read -r line <"$t/stat"; } 2>/dev/null || continue # a builtin: no process started per thread
      printf '%s\t%s\n' "${t##*/}" "$line"
    done
    sleep 0.2
  done | awk -F'\t' '{
      s = $2; i = index(s, "("); j = match(s, /\) [A-Z] /); name = substr(s, i + 1, j - i - 1)
      split(substr(s, j + 2), f, " "); ticks[$1] = f[12] + f[13]; names[$1] = name }
    END { for (t in ticks) { n = names[t]
        if (n ~ /^C[12] Compiler/) g = "jit"; else if (n ~ /^VM Thread|^GC|^VM Periodic/) g = "vm+gc";
        else if (n ~ /^ForkJoinPool|^VirtualThread|^sluice-fetch/) g = "vthread-carriers";
        else if (n ~ /^HttpClient|^Jetty|^qtp|^sluice-http/) g = "jetty";
        else if (n ~ /^sluice-process/) g = "process-pool";
        else if (n ~ /^sluice-/) g = n; else if (n == "java" || n == "main" || n == "sluice") g = "main";
        else g = "other:" n
        gsub(/ /, "_", g); sum[g] += ticks[t] }
      for (g in sum) print g, sum[g] }' >"$out"
}

# one VARIANT TREE MODE I: one timed, checked run; prints its line and appends "variant mode us rate" to results.
one() {
  local name=$1 tree=$2 mode=$3 i=$4 db="$BENCH_TMP/run.db" out="$BENCH_TMP/run.out" tf="$BENCH_TMP/time.out"
  local extra=() nw n0 n1 total ok user sys wall rss us rate ngx load tpid=""
  [ "$mode" = jq ] && extra=(--jq "$JQ")
  # shellcheck disable=SC2206
  [ -n "${SLUICE_ARGS:-}" ] && extra+=($SLUICE_ARGS)
  "$tree/bin/sluice" --version >/dev/null 2>&1 # a rebuild (sources changed) is never timed
  rm -f "$db" "$db-wal" "$db-shm"
  nw=$(nginx_worker); n0=$(proc_ticks "$nw"); load=$(cut -d' ' -f1 /proc/loadavg)
  local opts_var="JAVA_OPTS_$name"
  SLUICE_JAVA_OPTS="${SLUICE_JAVA_OPTS:-}${!opts_var:+ ${!opts_var}}" /usr/bin/time -f '%U %S %e %M' -o "$tf" timeout "$LIMIT" "$tree/bin/sluice" run "$BENCH_TMP/urls.txt" -c "$CONC" \
    --per-host "$CONC" --db "$db" --no-progress -q "${extra[@]}" >"$out" 2>&1 </dev/null &
  local tp=$!
  if [ "$THREADS" = 1 ]; then
    local jp=""
    for _ in $(seq 1 100); do jp=$(ps -o pid= --ppid "$tp" | tr -d ' ' | head -n 1 || true); [ -n "$jp" ] && break; sleep 0.02; done
    # the timeout's child: bin/sluice, which execs java
    for _ in $(seq 1 100); do local k; k=$(ps -o pid= --ppid "$jp" 2>/dev/null | tr -d ' ' | head -n 1 || true); [ -n "$k" ] && { jp=$k; break; }; sleep 0.02; done
    thread_sampler "$jp" "$BENCH_TMP/threads.out" & tpid=$!
  fi
  local rc=0; wait "$tp" || rc=$?
  [ -z "$tpid" ] || wait "$tpid" || true
  n1=$(proc_ticks "$nw")
  read -r total ok < <(bench_db_counts "$db")
  if [ "$rc" -ne 0 ] || [ "$ok" -ne "$N" ]; then
    say "$name $mode run $i: exit $rc, $ok of $N ok"; tail -n 20 "$out" | sed 's/^/  | /'; exit 1
  fi
  read -r user sys wall rss < <(tail -n 1 "$tf")
  us=$(awk -v u="$user" -v s="$sys" -v n="$N" 'BEGIN { printf "%.1f", (u + s) * 1e6 / n }')
  rate=$(awk -v n="$N" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')
  ngx=$(awk -v a="$n0" -v b="$n1" -v hz="$HZ" -v n="$N" 'BEGIN { printf "%.1f", (b - a) / hz * 1e6 / n }')
  say "$(printf '%-6s %-5s run %d: %6s us/URL (user %s s, sys %s s)  %6s URLs/s (wall %s s)  nginx %s us/URL  RSS %d MB  load %s' \
    "$name" "$mode" "$i" "$us" "$user" "$sys" "$rate" "$wall" "$ngx" $((rss / 1024)) "$load")"
  if [ "$THREADS" = 1 ] && [ -s "$BENCH_TMP/threads.out" ]; then
    sort -k2 -nr "$BENCH_TMP/threads.out" | awk -v hz="$HZ" -v n="$N" '$2 > 0 { printf "%s %.1f, ", $1, $2 / hz * 1e6 / n }' |
      sed 's/, $//; s/^/    threads us\/URL: /'; echo
  fi
  local nojit=-
  if [ "$THREADS" = 1 ] && [ -s "$BENCH_TMP/threads.out" ]; then # the JVM's CPU but its JIT compiler threads'
    nojit=$(awk -v u="$user" -v s="$sys" -v n="$N" -v hz="$HZ" '$1 == "jit" { j = $2 } END { printf "%.1f", ((u + s) - j / hz) * 1e6 / n }' "$BENCH_TMP/threads.out")
    say "    without the JIT threads: $nojit us/URL"
  fi
  [ -z "${KEEP_OUT:-}" ] || { mkdir -p "$KEEP_OUT"; cp "$out" "$KEEP_OUT/$name-$mode-$i.out"; }
  echo "$name $mode $us $rate $nojit" >>"$BENCH_TMP/results"
}

read -ra variants <<<"$VARIANTS"
for i in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    k=${#variants[@]}
    for j in $(seq 0 $((k - 1))); do
      v=${variants[$(( (j + i - 1) % k ))]}
      one "${v%%=*}" "${v#*=}" "$mode" "$i"
    done
  done
done

say "-- medians over $RUNS run(s), N=$N, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
wrk_rps=0
if [ "$WRK_SECONDS" != 0 ]; then
  wrk -t2 -c"$CONC" -d"${WRK_SECONDS}s" "http://127.0.0.1:$NGINX_PORT/doc/1" >"$BENCH_TMP/wrk.out" 2>&1 || { cat "$BENCH_TMP/wrk.out"; die "wrk failed"; }
  wrk_rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$BENCH_TMP/wrk.out")
  say "wrk         ${wrk_rps} req/s (wrk -t2 -c$CONC -d${WRK_SECONDS}s)"
fi
for v in "${variants[@]}"; do
  for mode in $MODES; do
    name=${v%%=*}
    us=$(awk -v v="$name" -v m="$mode" '$1 == v && $2 == m { print $3 }' "$BENCH_TMP/results" | bench_median)
    rate=$(awk -v v="$name" -v m="$mode" '$1 == v && $2 == m { print $4 }' "$BENCH_TMP/results" | bench_median)
    ratio=$(awk -v a="$rate" -v b="$wrk_rps" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
    nojit=""
    [ "$THREADS" = 1 ] && nojit="  $(awk -v v="$name" -v m="$mode" '$1 == v && $2 == m { print $5 }' "$BENCH_TMP/results" | bench_median) us/URL without the JIT threads"
    all=$(awk -v v="$name" -v m="$mode" '$1 == v && $2 == m { printf "%s%s", sep, $3; sep = " " }' "$BENCH_TMP/results")
    say "$(printf 'MEDIAN %-6s %-5s %7.1f us/URL  %7.0f URLs/s  (%s x wrk)%s  [runs: %s]' "$name" "$mode" "$us" "$rate" "$ratio" "$nojit" "$all")"
  done
done

#!/usr/bin/env bash
# The HTTP client alone, as Sluice drives it (bench/cpu/FetchOnly.java: one virtual thread per request, -c CONC),
# against the lib.sh nginx (1 KiB JSON): CPU µs per request and requests/s after a warm-up of N/2, for Sluice's
# HttpFetcher ("fetcher") and a plain Jetty HttpClient ("jetty"), alternating, RUNS each; the floor under
# bench/cpu-per-url.sh's figure (what the pipeline adds is the difference). Same JVM flags as bin/sluice on 2 cores.
# Env: N (200000), CONC (64), RUNS (3), MODES ("fetcher jetty").
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${N:-200000} CONC=${CONC:-64} RUNS=${RUNS:-3} MODES=${MODES:-"fetcher jetty"}
bench_need "nginx:nginx" "curl:curl"
bench_init
bench_warmup
bench_start_nginx
jar="$BENCH_ROOT/sluice-cli/target/sluice.jar"
mkdir -p "$BENCH_TMP/classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$BENCH_TMP/classes" -cp "$jar" "$BENCH_ROOT/bench/cpu/FetchOnly.java" 2>&1 | grep -v '^Note:' >&2 || true
for i in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$(timeout 600 "$JAVA" -XX:+UseSerialGC -XX:SurvivorRatio=2 -cp "$BENCH_TMP/classes:$jar" dev.sluice.internal.fetch.FetchOnly \
      "http://127.0.0.1:$NGINX_PORT/doc" "$N" "$CONC" "$mode" 2>/dev/null | tail -n 1)
    say "run $i: $line (load $load)"
    echo "$line" >>"$BENCH_TMP/results"
  done
done
for mode in $MODES; do
  say "MEDIAN $mode $(awk -v m="$mode" '$1 == m { print $2 }' "$BENCH_TMP/results" | bench_median) us/request, $(awk -v m="$mode" '$1 == m { print $3 }' "$BENCH_TMP/results" | bench_median) requests/s"
done

# Shared helpers for the bench/*.sh scripts. Source it; do not run it.
# Provides: package installation, a scratch dir removed on exit, a loopback nginx serving one 1 KiB
# JSON document for any path, the test Origin, URL lists, wall-clock timing of bin/sluice.
# shellcheck shell=bash

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SLUICE="$BENCH_ROOT/bin/sluice"
BENCH_PIDS=()
BENCH_PREFIX=() # e.g. (/usr/bin/time -f %M -o FILE) for bench_timed_sluice

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- packages --------------------------------------------------------------------------------------
# bench_need "cmd:package" ... : installs (apt-get) the packages whose command is missing.
bench_need() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  bench_apt_install "${missing[@]}"
  for pair in "$@"; do
    cmd=${pair%%:*}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || die "still missing after install: $cmd"
  done
}

# bench_need_py "module:package" ...: installs (apt-get) the Debian packages whose Python module
# /usr/bin/python3 cannot import (Debian's python3, not one first on PATH, e.g. pyenv's).
bench_need_py() {
  local pair missing=()
  for pair in "$@"; do
    /usr/bin/python3 -c "import ${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  bench_apt_install "${missing[@]}"
  for pair in "$@"; do
    /usr/bin/python3 -c "import ${pair%%:*}" >/dev/null 2>&1 || die "still missing after install: Python module ${pair%%:*} (${pair#*:})"
  done
}

# bench_apt_install PACKAGE...: apt-get install, waiting up to 5 min for another apt-get to finish.
bench_apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing: $*" >&2
  # keep the package's own nginx service from starting on port 80 when the image has no policy
  local policy=/usr/sbin/policy-rc.d made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  { timeout 600 $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive timeout 900 $sudo apt-get install -o DPkg::Lock::Timeout=300 -y -qq \
      --no-install-recommends "$@" >/dev/null
  } || rc=$?
  [ -n "$made_policy" ] && $sudo rm -f "$policy"
  [ $rc -eq 0 ] || die "could not install $* (apt-get exit $rc)"
}

# --- scratch dir and cleanup -----------------------------------------------------------------------
# bench_tree PID: PID and all its descendants, parents first.
bench_tree() {
  local kid
  echo "$1"
  for kid in $(ps -o pid= --ppid "$1" 2>/dev/null); do bench_tree "$kid"; done
}

bench_cleanup() {
  local pid
  if [ -n "${BENCH_CHILD:-}" ]; then # a timed command still running (the script was interrupted)
    for pid in $(bench_tree "$BENCH_CHILD"); do kill "$pid" 2>/dev/null || true; done
    BENCH_PIDS+=("$BENCH_CHILD")
  fi
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "${BENCH_TMP:-}" ] && [ -d "$BENCH_TMP" ] && rm -rf "$BENCH_TMP"
}

# bench_init: makes $BENCH_TMP and installs the exit trap (servers killed, scratch dir removed).
bench_init() {
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
  chmod 755 "$BENCH_TMP" # nginx workers may run as another user
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# --- sluice ----------------------------------------------------------------------------------------
# bench_warmup: builds the jar if needed (not timed), exports JAVA, copies the jar for the Origin.
bench_warmup() {
  . "$BENCH_ROOT/bin/lib/java.sh"
  sluice_find_jdk
  local v
  v=$(bench_ensure_built)
  say "machine     $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
  say "sluice      ${v##*$'\n'} ($("$JAVA" -version 2>&1 | head -n 1)); SLUICE_JAVA_OPTS='${SLUICE_JAVA_OPTS:-}'"
}

# bench_ensure_built: bin/sluice rebuilds itself when sources changed (other people edit them): do that
# outside the timed part. Called before every timed run.
# A build in progress is let finish (a signal is handled after it), not to leave a half-built jar.
# A failing build (an edit in progress elsewhere) is tried again: BENCH_BUILD_TRIES (4) times, 30 s apart.
bench_ensure_built() {
  local log="$BENCH_TMP/build.log" try tries=${BENCH_BUILD_TRIES:-4}
  for try in $(seq 1 "$tries"); do
    timeout 900 "$SLUICE" --version >"$log" 2>&1 && break
    grep -E 'ERROR\] /|sluice:' "$log" | sed 's/\x1b\[[0-9;]*m//g' | sort -u | head -n 8 >&2 || true
    [ "$try" -lt "$tries" ] || die "bin/sluice --version failed $tries times (build broken? retry later)"
    say "  (bin/sluice --version failed, attempt $try of $tries; trying again in 30 s)" >&2
    sleep 30 & wait $!
  done
  grep -q 'sluice: building the jar' "$log" && say "  (bin/sluice rebuilt its jar before this run: sources changed)"  >&2
  tail -n 1 "$log"
}

# bench_build_stamp: changes whenever the jar or its class-data archive (JDK < 25: sluice.jsa) or AOT
# cache (JDK 25+: sluice.aot) is (re)made. Missing files are skipped (stat fails for them: not an error).
bench_build_stamp() {
  local t="$BENCH_ROOT/sluice-cli/target"
  { stat -c '%n %Y' "$t/sluice.jar" "$t/sluice.jsa.jdk" "$t/sluice.aot.jdk" 2>/dev/null || true; } | tr '\n' ' '
}

# bench_timed_sluice OUTFILE ARGS...: bench_time of `timeout $BENCH_LIMIT bin/sluice ARGS...`, done
# again (up to 3 times) when bin/sluice rebuilt or retrained itself during the timed run (sources
# edited meanwhile), so a build is never timed. Extra prefix command: BENCH_PREFIX (array). The
# database BENCH_DB, if set, is removed before every attempt (each timed run starts fresh).
bench_timed_sluice() {
  local out=$1; shift
  local attempt before
  for attempt in 1 2 3; do
    bench_ensure_built >/dev/null
    [ -n "${BENCH_DB:-}" ] && rm -f "$BENCH_DB" "$BENCH_DB-wal" "$BENCH_DB-shm" "$BENCH_DB-journal"
    before=$(bench_build_stamp)
    bench_time "$out" "${BENCH_PREFIX[@]}" timeout "${BENCH_LIMIT:-600}" "$SLUICE" "$@"
    if grep -q 'sluice: building the jar' "$out" || [ "$(bench_build_stamp)" != "$before" ]; then
      say "  (bin/sluice rebuilt itself during this run: sources changed; timing it again)"
      continue
    fi
    return 0
  done
  say "  (rebuilt on every attempt; keeping the last timing)"
}

# bench_time OUTFILE CMD...: runs CMD with stdout+stderr in OUTFILE; sets BENCH_WALL (seconds, 3
# decimals), BENCH_RC and BENCH_T0_MS (wall clock just before the launch, ms since the epoch, the clock
# of the database's fetched_at). With BENCH_PSS_OUT set, also writes there the peak summed PSS of CMD's
# process tree (bench_pss_sampler). Never fails itself.
bench_time() {
  local out=$1; shift
  local t0 t1 sampler=""
  t0=$EPOCHREALTIME
  BENCH_T0_MS=$(( ${t0/[.,]/} / 1000 ))
  BENCH_RC=0
  "$@" >"$out" 2>&1 </dev/null & # in the background so that a signal to this script is handled at once
  BENCH_CHILD=$!
  if [ -n "${BENCH_PSS_OUT:-}" ]; then bench_pss_sampler "$BENCH_CHILD" >"$BENCH_PSS_OUT" 2>/dev/null & sampler=$!; fi
  wait "$BENCH_CHILD" || BENCH_RC=$?
  t1=$EPOCHREALTIME
  BENCH_CHILD=""
  [ -z "$sampler" ] || wait "$sampler" || true
  BENCH_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

# bench_pss_sampler PID: every 0.25 s, sums the PSS (proportional set size: a page shared by k processes
# counts 1/k in each, so a forked pool is not counted twice) of PID and all its descendants; prints the
# peak in KiB once PID is gone. For a multi-process program /usr/bin/time's %M (the largest single
# process) says too little and a sum of RSS too much.
bench_pss_sampler() {
  local root=$1 peak=0 now
  while kill -0 "$root" 2>/dev/null; do
    now=$(ps -e -o pid=,ppid= | awk -v r="$root" '{ parent[$1] = $2 } END {
        for (p in parent) { q = p; while (q != "" && q != r && q > 1) q = parent[q]; if (q == r) print "/proc/" p "/smaps_rollup" } }' |
      xargs -r cat 2>/dev/null | awk '/^Pss:/ { s += $2 } END { print s + 0 }' || true) # a process may end meanwhile
    [ "${now:-0}" -gt "$peak" ] && peak=$now
    sleep 0.25
  done
  echo "$peak"
}

# bench_sluice_line FILE: Sluice's own "throughput" summary line from a run's output, if any.
bench_sluice_line() { grep -m1 -E '^ *throughput' "$1" | sed 's/^ *//' || true; }

# bench_db_counts DB: prints "total ok" of the results table.
bench_db_counts() {
  sqlite3 "$1" "select count(*), coalesce(sum(status='ok'),0) from results" 2>/dev/null | tr '|' ' ' || echo "0 0"
}

# bench_db_errors DB: a short breakdown of failed rows, one "error http_status count" per line.
bench_db_errors() {
  sqlite3 "$1" "select coalesce(error,'-'), coalesce(http_status,'-'), count(*) from results
                where status <> 'ok' group by 1, 2 order by 3 desc limit 5" 2>/dev/null | tr '|' ' ' || true
}

# bench_sql_epoch_ms EXPR: SQL for an ISO-8601 UTC text with milliseconds (fetched_at) as ms since the
# epoch, e.g. sqlite3 DB "select $(bench_sql_epoch_ms 'max(fetched_at)') from results".
bench_sql_epoch_ms() {
  printf "(cast(strftime('%%s', %s) as integer) * 1000 + cast(substr(%s, 21, 3) as integer))" "$1" "$1"
}

# bench_median: the median of the numbers on stdin, one a line (3 decimals).
bench_median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit 1
    printf "%.3f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# --- servers ---------------------------------------------------------------------------------------
bench_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bench_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    bench_port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

# bench_wait_port PORT SECONDS
bench_wait_port() {
  local deadline=$(( SECONDS + $2 ))
  while (( SECONDS < deadline )); do
    bench_port_busy "$1" && return 0
    sleep 0.1
  done
  return 1
}

# bench_start_nginx: nginx with 1 worker on 127.0.0.1:$NGINX_PORT serving a 1024-byte JSON document
# for every path. Sets NGINX_PORT, NGINX_DIR.
bench_start_nginx() {
  NGINX_DIR="$BENCH_TMP/nginx"
  mkdir -p "$NGINX_DIR/www" "$NGINX_DIR/tmp"
  chmod -R 755 "$NGINX_DIR"
  # exactly 1024 bytes of JSON
  awk 'BEGIN {
    head = "{\"id\":1,\"name\":\"sluice bench document\",\"tags\":[\"a\",\"b\",\"c\"],\"pad\":\"";
    tail = "\"}\n";
    s = head; n = 1024 - length(head) - length(tail);
    for (i = 0; i < n; i++) s = s sprintf("%c", 97 + i % 26);
    printf "%s%s", s, tail }' >"$NGINX_DIR/www/doc.json"
  [ "$(wc -c <"$NGINX_DIR/www/doc.json")" -eq 1024 ] || die "doc.json is not 1024 bytes"
  chmod 644 "$NGINX_DIR/www/doc.json"
  local user="" attempt
  [ "$(id -u)" -eq 0 ] && user="user root;"
  for attempt in 1 2 3 4 5; do
    NGINX_PORT=$(bench_free_port)
    cat >"$NGINX_DIR/nginx.conf" <<EOF
$user
worker_processes 1;
daemon off;
master_process on;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 60;
  default_type application/json;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $NGINX_DIR/www;
    location / { try_files /doc.json =404; }
  }
}
EOF
    nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" >>"$NGINX_DIR/stdout.log" 2>&1 &
    local pid=$!
    BENCH_PIDS+=("$pid")
    if bench_wait_port "$NGINX_PORT" 10 && kill -0 "$pid" 2>/dev/null; then
      local probe
      probe=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$NGINX_PORT/doc/probe" || true)
      [ "$probe" = "200 1024" ] || die "nginx answers '$probe' instead of '200 1024' (see $NGINX_DIR/error.log)"
      say "nginx       $(nginx -v 2>&1 | sed 's/^nginx version: //') on 127.0.0.1:$NGINX_PORT (1 worker, 1024-byte JSON for any path)"
      return 0
    fi
    kill "$pid" 2>/dev/null || true
  done
  cat "$NGINX_DIR/error.log" >&2 2>/dev/null || true
  die "nginx did not start"
}

# bench_start_origin: the test Origin on a free loopback port, from a private copy of the jar (the
# real one may be rebuilt meanwhile). Sets ORIGIN_PORT.
bench_start_origin() {
  local jar="$BENCH_ROOT/sluice-cli/target/sluice.jar" log="$BENCH_TMP/origin.log"
  [ -f "$jar" ] || die "no $jar (bench_warmup builds it)"
  cp "$jar" "$BENCH_TMP/origin.jar"
  "$JAVA" -cp "$BENCH_TMP/origin.jar" dev.sluice.origin.Origin --port 0 >"$log" 2>&1 &
  BENCH_PIDS+=("$!")
  local deadline=$(( SECONDS + 30 ))
  ORIGIN_PORT=""
  while (( SECONDS < deadline )); do
    ORIGIN_PORT=$(sed -n 's/^origin listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$ORIGIN_PORT" ] && break
    sleep 0.1
  done
  [ -n "$ORIGIN_PORT" ] || { cat "$log" >&2; die "the Origin did not start"; }
  say "origin      dev.sluice.origin.Origin on 127.0.0.1:$ORIGIN_PORT"
}

# bench_start_origins COUNT: one Origin JVM (--ports A-B) serving COUNT consecutive free loopback
# ports, each a distinct host to Sluice (its per-host key is host:port), from a private copy of the jar.
# Sets ORIGIN_PORTS (array, in port order).
bench_start_origins() {
  local n=$1 jar="$BENCH_ROOT/sluice-cli/target/sluice.jar" log="$BENCH_TMP/origins.log"
  local attempt base p busy pid deadline kept
  [ -f "$jar" ] || die "no $jar (bench_warmup builds it)"
  cp "$jar" "$BENCH_TMP/origin.jar"
  for attempt in 1 2 3 4 5; do
    base=$(( 20000 + RANDOM % (40000 - n) ))
    busy=""
    for p in $(seq "$base" $(( base + n - 1 ))); do bench_port_busy "$p" && { busy=1; break; }; done
    [ -n "$busy" ] && continue
    "$JAVA" -cp "$BENCH_TMP/origin.jar" dev.sluice.origin.Origin --ports "$base-$(( base + n - 1 ))" >"$log" 2>&1 &
    pid=$!
    BENCH_PIDS+=("$pid")
    deadline=$(( SECONDS + 30 ))
    while (( SECONDS < deadline )) && kill -0 "$pid" 2>/dev/null; do
      [ "$(grep -c '^origin listening on' "$log")" -ge "$n" ] && break
      sleep 0.1
    done
    if [ "$(grep -c '^origin listening on' "$log")" -ge "$n" ] && kill -0 "$pid" 2>/dev/null; then
      mapfile -t ORIGIN_PORTS < <(sed -n 's/^origin listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
      say "origins     dev.sluice.origin.Origin --ports $base-$(( base + n - 1 )) (one JVM, $n hosts on 127.0.0.1)"
      return 0
    fi
    kill "$pid" 2>/dev/null || true # a port was taken meanwhile, or it did not start: another range
    wait "$pid" 2>/dev/null || true
    kept=()
    for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    BENCH_PIDS=("${kept[@]}")
  done
  cat "$log" >&2
  die "the Origin did not start on $n consecutive free ports"
}

# bench_urls N BASE FILE: writes N distinct URLs BASE/<i> (i = 1..N) with an optional SUFFIX env.
bench_urls() {
  awk -v n="$1" -v base="$2" -v suffix="${SUFFIX:-}" 'BEGIN { for (i = 1; i <= n; i++) print base "/" i suffix }' >"$3"
}

# bench_start_node [ARGS...]: bench/origin/server.js (Node's http module; not our Java origin) on a free
# loopback port with these options (e.g. --site-pages 5000). Sets NODE_PORT.
bench_start_node() {
  local log="$BENCH_TMP/node.log" pid deadline
  node "$BENCH_ROOT/bench/origin/server.js" --port 0 "$@" >"$log" 2>&1 &
  pid=$!
  BENCH_PIDS+=("$pid")
  NODE_PORT=""
  deadline=$(( SECONDS + 60 ))
  while (( SECONDS < deadline )) && kill -0 "$pid" 2>/dev/null; do
    NODE_PORT=$(sed -n 's/^neutral origin listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$NODE_PORT" ] && break
    sleep 0.1
  done
  [ -n "$NODE_PORT" ] || { cat "$log" >&2; die "the neutral origin did not start"; }
  say "origin      bench/origin/server.js: $(sed -n 's/^neutral origin listening on //p' "$log")"
}

# bench_node_json PATH EXPR: GET PATH from the Node origin, print the JSON value EXPR (Python subscripts,
# e.g. "['site']['c1']['repeated']"); empty when absent.
bench_node_json() {
  curl -sf "http://127.0.0.1:$NODE_PORT$1" | /usr/bin/python3 -c "import json, sys
try: print(json.load(sys.stdin)$2)
except (KeyError, IndexError, ValueError): print('')"
}

# bench_sluice_has OPTION...: whether `bin/sluice run --help` lists every OPTION (features of issue 11
# are not in every build); prints the missing ones.
bench_sluice_has() {
  local help opt missing=()
  help=$("$SLUICE" run --help 2>&1 || true)
  for opt in "$@"; do grep -q -- "$opt" <<<"$help" || missing+=("$opt"); done
  [ ${#missing[@]} -eq 0 ] || { echo "${missing[*]}"; return 1; }
}

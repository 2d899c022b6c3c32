#!/usr/bin/env bash
# Queue-capacity benchmark: claim + complete of N distinct URLs of a 1 KiB JSON document served by a
# 1-worker nginx on loopback (zero latency), stored in PostgreSQL by WORKERS `bin/sluice worker`
# processes at once. Reference in the same run: `bin/sluice run urls.txt -c 64 --per-host 64` into
# SQLite; URLs/s = N / wall seconds of the whole command (JVM start included), every row ok.
# PostgreSQL: a throwaway cluster (Debian's `postgresql` package, default durability: fsync on) on a
# free loopback port; `bin/sluice enqueue` timed on its own (lines/s); then WORKERS workers launched
# together, timed from the launch until the last one has exited: URLs/s = N / that wall time. Every
# worker must exit 0, and PostgreSQL must hold N ok results and N queue rows in state done.
# Goal: PostgreSQL URLs/s >= 50 % of SQLite URLs/s. nginx, the workers and PostgreSQL share the cores.
# Also shown, for scaling on paper: PostgreSQL's own CPU time per URL during the worker phase (all the
# cluster's processes, from /proc) and the WAL it wrote per URL; and to tell where the time goes: the
# machine's busy CPU and the workers' own CPU in that phase, PostgreSQL's commits, the rows and spacing of
# the workers' storing transactions, and how long a result waited from its fetch to its commit.
# Env: N (200000), CONC (64), WORKERS (2), GOAL (0.50), LIMIT (seconds allowed per sluice command, 1200),
# PG_OPTS (extra server options, e.g. "-c synchronous_commit=off"; default none), PG_STATEMENTS (1: also
# list the statements that took PostgreSQL's time in the worker phase, from pg_stat_statements).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-200000} CONC=${CONC:-64} WORKERS=${WORKERS:-2} GOAL=${GOAL:-0.50} LIMIT=${LIMIT:-1200} PG_OPTS=${PG_OPTS:-}
PG_STATEMENTS=${PG_STATEMENTS:-0}
[ "$PG_STATEMENTS" = 1 ] && PG_OPTS="$PG_OPTS -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
bench_need "nginx:nginx" "sqlite3:sqlite3" "curl:curl" "psql:postgresql-client"

# Debian keeps the server's binaries out of PATH, under /usr/lib/postgresql/<major>/bin.
pg_find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PG_BIN=$(pg_find_bin)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  bench_need "pg_ctlcluster:postgresql" # pg_ctlcluster (postgresql-common) comes with the server package
  PG_BIN=$(pg_find_bin)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || die "no /usr/lib/postgresql/*/bin/initdb after installing postgresql"
fi

bench_init
PG_DATA="" PG_PORT="" PG_SOCK=""

# As root the server runs as user postgres (it refuses root); otherwise as the current user.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 || true
  fi
}

queue_cleanup() { # the cluster first: bench_cleanup removes its data dir
  if [ -n "${BENCH_CHILD:-}" ]; then # workers still running (interrupted): stop them before the server
    for pid in $(bench_tree "$BENCH_CHILD"); do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
  fi
  pg_stop
  bench_cleanup
}
trap queue_cleanup EXIT

# pg_start: initdb + pg_ctl start of a throwaway cluster in $BENCH_TMP/pg on a free loopback port
# (trust authentication, socket in the scratch dir, every other setting the default: fsync on).
pg_start() {
  local dir="$BENCH_TMP/pg" attempt
  PG_DATA="$dir/data" PG_SOCK="$dir"
  mkdir -p "$PG_DATA"
  chmod 700 "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
  pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(bench_free_port)
    if pg_as "$PG_BIN/pg_ctl" start -D "$PG_DATA" -w -t 60 -l "$dir/server.log" \
        -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 $PG_OPTS" >/dev/null 2>&1; then
      pg_sql "create database sluice" >/dev/null || die "create database failed"
      say "postgresql $(pg_sql 'show server_version' postgres) ($PG_BIN) on 127.0.0.1:$PG_PORT; fsync $(pg_sql 'show fsync'), synchronous_commit $(pg_sql 'show synchronous_commit'), shared_buffers $(pg_sql 'show shared_buffers'), max_connections $(pg_sql 'show max_connections')${PG_OPTS:+; PG_OPTS '$PG_OPTS'}"
      return 0
    fi
    pg_stop # the port was taken meanwhile: another one
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "PostgreSQL did not start"
}

# pg_sql SQL [DB]: one query through the socket, unaligned tuples only (fields separated by a space).
pg_sql() {
  timeout 60 psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d "${2:-postgres}" -c "$1"
}

# pg_cpu_ticks: CPU time (clock ticks) of the whole cluster so far: the postmaster's own utime+stime,
# plus cutime+cstime (its children that have exited and been reaped: the backends of closed
# connections), plus utime+stime of every live child (backends, checkpointer, WAL writer, autovacuum…).
pg_cpu_ticks() {
  local pm kids
  pm=$(head -n 1 "$PG_DATA/postmaster.pid")
  kids=$(ps -o pid= --ppid "$pm" | tr -s ' \n' ' ')
  # fields after "(comm) " start at field 3: utime (14) is $12, stime $13, cutime $14, cstime $15
  { sed 's/^.*) //' "/proc/$pm/stat" | awk '{ print $12 + $13 + $14 + $15 }'
    for pid in $kids; do sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }' || true; done
  } | awk '{ s += $1 } END { print s + 0 }'
}

# machine_ticks: "busy total" clock ticks of all the machine's CPUs so far (/proc/stat; idle and iowait are not busy).
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# pg_commits: transactions committed in database sluice so far (statistics are sent at the end of each
# transaction, at most every second or so: read after a pause).
pg_commits() { pg_sql "select xact_commit from pg_stat_database where datname = 'sluice'"; }

# run_workers: WORKERS `bin/sluice worker` processes launched together; waits for all; worker i's
# output in $BENCH_TMP/worker<i>.out and exit status in $BENCH_TMP/worker<i>.rc; the CPU seconds (user
# system) of them all in $BENCH_TMP/workers.cpu. Exit 0 iff all did.
run_workers() {
  local i pids=() rc all=0
  for i in $(seq 1 "$WORKERS"); do
    timeout "$LIMIT" "$SLUICE" worker --db "$PG_URL" -c "$CONC" --per-host "$CONC" --no-progress -q \
      >"$BENCH_TMP/worker$i.out" 2>&1 </dev/null &
    pids+=("$!")
  done
  for i in $(seq 1 "$WORKERS"); do
    rc=0
    wait "${pids[$((i - 1))]}" || rc=$?
    echo "$rc" >"$BENCH_TMP/worker$i.rc"
    [ "$rc" -eq 0 ] || all=1
  done
  times >"$BENCH_TMP/times.out" # not in a pipeline: that would be a subshell, with no children of its own
  sed -n 2p "$BENCH_TMP/times.out" |
    awk '{ for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); printf "%.2f ", a[1] * 60 + a[2] } print "" }' >"$BENCH_TMP/workers.cpu"
  return "$all"
}

say "== queue benchmark: $N URLs of 1 KiB JSON from nginx, $WORKERS PostgreSQL workers vs one SQLite run, -c $CONC --per-host $CONC, goal >= ${GOAL} x SQLite URLs/s ($(nproc) cores)"
bench_warmup
bench_start_nginx
bench_urls "$N" "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/urls.txt"
failed=0

# --- reference: SQLite ----------------------------------------------------------------------------
db="$BENCH_TMP/queue.db"
BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$BENCH_TMP/sqlite.out" \
  run "$BENCH_TMP/urls.txt" -c "$CONC" --per-host "$CONC" --db "$db" --no-progress -q
read -r total ok < <(bench_db_counts "$db")
sqlite_rate=$(awk -v n="$N" -v w="$BENCH_WALL" 'BEGIN { printf "%.0f", n / w }')
say "sqlite      wall ${BENCH_WALL} s  exit ${BENCH_RC}  -> ${sqlite_rate} URLs/s whole command"
say "sqlite      own line: $(bench_sluice_line "$BENCH_TMP/sqlite.out")"
say "sqlite      stored count(*) ${total}, ok ${ok} (expected ${N}/${N})"
if [ "$BENCH_RC" -ne 0 ] || [ "$total" -ne "$N" ] || [ "$ok" -ne "$N" ]; then
  failed=1
  [ "$BENCH_RC" -eq 124 ] && say "sqlite run was stopped after ${LIMIT} s (timeout)"
  sed 's/^/  | /' "$BENCH_TMP/sqlite.out" | tail -n 30
  bench_db_errors "$db" | sed 's/^/  failed rows (error http count): /'
fi
rm -f "$db" "$db-wal" "$db-shm"

# --- PostgreSQL -----------------------------------------------------------------------------------
pg_start
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/sluice"
clk_tck=$(getconf CLK_TCK)
for attempt in 1 2 3; do
  if [ "$attempt" -gt 1 ]; then # a fresh database for the retry
    pg_sql "drop database sluice" >/dev/null && pg_sql "create database sluice" >/dev/null || die "could not recreate the database"
  fi
  bench_ensure_built >/dev/null
  before=$(bench_build_stamp)

  # enqueue, timed on its own
  bench_time "$BENCH_TMP/enqueue.out" timeout "$LIMIT" "$SLUICE" enqueue "$BENCH_TMP/urls.txt" --db "$PG_URL" -q
  enq_wall=$BENCH_WALL enq_rc=$BENCH_RC

  # the worker phase, with the cluster's CPU time and WAL position on both sides
  if [ "$PG_STATEMENTS" = 1 ]; then
    pg_sql "create extension if not exists pg_stat_statements" sluice >/dev/null && pg_sql "select pg_stat_statements_reset()" sluice >/dev/null
  fi
  lsn0=$(pg_sql "select pg_current_wal_lsn()")
  sleep 0.5 # the backends of enqueue and psql have exited and been reaped
  xact0=$(pg_commits)
  cpu0=$(pg_cpu_ticks)
  read -r busy0 all0 < <(machine_ticks)
  bench_time "$BENCH_TMP/workers.out" run_workers
  work_wall=$BENCH_WALL work_rc=$BENCH_RC
  read -r busy1 all1 < <(machine_ticks)
  sleep 0.5 # the workers' backends have exited and been reaped
  cpu1=$(pg_cpu_ticks)
  lsn1=$(pg_sql "select pg_current_wal_lsn()")
  sleep 1 # the statistics of the last transactions have arrived
  xact1=$(pg_commits)

  if grep -qs 'sluice: building the jar' "$BENCH_TMP/enqueue.out" "$BENCH_TMP"/worker*.out ||
     [ "$(bench_build_stamp)" != "$before" ]; then
    say "  (bin/sluice rebuilt itself during this run: sources changed; timing it again)"
    continue
  fi
  break
done

enq_rate=$(awk -v n="$N" -v w="$enq_wall" 'BEGIN { printf "%.0f", n / w }')
say "enqueue     wall ${enq_wall} s  exit ${enq_rc}  -> ${enq_rate} lines/s ($(grep -m1 -E '^ *queued' "$BENCH_TMP/enqueue.out" | tr -s ' ' | sed 's/^ //'))"
if [ "$enq_rc" -ne 0 ]; then
  failed=1
  sed 's/^/  | /' "$BENCH_TMP/enqueue.out" | tail -n 30
fi

pg_rate=$(awk -v n="$N" -v w="$work_wall" 'BEGIN { printf "%.0f", n / w }')
rcs=$(for i in $(seq 1 "$WORKERS"); do cat "$BENCH_TMP/worker$i.rc" 2>/dev/null || echo '?'; done | paste -sd ' ')
say "postgres    wall ${work_wall} s (launch of ${WORKERS} workers until the last exited)  exits ${rcs}  -> ${pg_rate} URLs/s"
for i in $(seq 1 "$WORKERS"); do
  say "worker $i    own line: $(bench_sluice_line "$BENCH_TMP/worker$i.out")"
done
read -r pg_total pg_ok < <(pg_sql "select count(*), count(*) filter (where status = 'ok') from results" sluice || echo "0 0")
read -r q_total q_done < <(pg_sql "select count(*), count(*) filter (where state = 'done') from queue" sluice || echo "0 0")
say "postgres    stored count(*) ${pg_total}, ok ${pg_ok}; queue rows ${q_total}, done ${q_done} (expected ${N} each)"
if [ "$work_rc" -ne 0 ] || [ "$pg_total" -ne "$N" ] || [ "$pg_ok" -ne "$N" ] || [ "$q_total" -ne "$N" ] || [ "$q_done" -ne "$N" ]; then
  failed=1
  for i in $(seq 1 "$WORKERS"); do
    [ "$(cat "$BENCH_TMP/worker$i.rc" 2>/dev/null || echo '?')" = 0 ] && continue
    [ "$(cat "$BENCH_TMP/worker$i.rc" 2>/dev/null)" = 124 ] && say "worker $i was stopped after ${LIMIT} s (timeout)"
    sed "s/^/  worker $i | /" "$BENCH_TMP/worker$i.out" | tail -n 30
  done
  pg_sql "select coalesce(error,'-'), coalesce(http_status::text,'-'), count(*) from results where status <> 'ok'
          group by 1, 2 order by 3 desc limit 5" sluice 2>/dev/null | sed 's/^/  failed rows (error http count): /' || true
  pg_sql "select state, count(*) from queue group by 1 order by 1" sluice 2>/dev/null | sed 's/^/  queue rows (state count): /' || true
fi

if [ "$PG_STATEMENTS" = 1 ]; then
  say "statements  (pg_stat_statements, worker phase: total ms, calls, ms per call, rows; top 8 by total time)"
  pg_sql "select round(total_exec_time), calls, round((total_exec_time / calls)::numeric, 3), rows,
                 regexp_replace(left(query, 110), '\s+', ' ', 'g')
          from pg_stat_statements where dbid = (select oid from pg_database where datname = 'sluice')
          order by total_exec_time desc limit 8" sluice | sed 's/^/  /'
fi

# PostgreSQL's own cost during the worker phase: "scaling on paper"
read -r cpu_s us_url ceiling < <(awk -v a="$cpu0" -v b="$cpu1" -v t="$clk_tck" -v n="$N" 'BEGIN {
  s = (b - a) / t; us = s * 1e6 / n
  printf "%.2f %.1f %s\n", s, us, (us > 0) ? sprintf("%.0f", 1e6 / us) : "-" }')
wal=$(pg_sql "select pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")
pct=$(awk -v s="$cpu_s" -v w="$work_wall" 'BEGIN { printf "%.0f", 100 * s / w }')
say "pg cpu      ${cpu_s} s of PostgreSQL CPU in the worker phase (${pct} % of one core over ${work_wall} s) -> ${us_url} us per URL -> ceiling ${ceiling} URLs/s per PostgreSQL core"
say "pg wal      $(awk -v b="$wal" 'BEGIN { printf "%.1f MB", b / 1e6 }') of WAL in the worker phase -> $(awk -v b="$wal" -v n="$N" 'BEGIN { printf "%.0f", b / n }') bytes per URL"

# where the time goes: CPU-bound (machine busy) or waiting (latency: round trips, batching)?
read -r w_user w_sys <"$BENCH_TMP/workers.cpu" || { w_user=0 w_sys=0; }
say "cpu         machine $(awk -v a="$busy0" -v b="$busy1" -v c="$all0" -v d="$all1" -v n="$(nproc)" 'BEGIN {
  printf "%.0f %% busy of %d cores", (d > c) ? 100 * (b - a) / (d - c) : 0, n }') during the worker phase; workers' own CPU $(awk -v u="$w_user" -v s="$w_sys" -v w="$work_wall" -v k="$WORKERS" -v n="$N" 'BEGIN {
  printf "%.2f s user + %.2f s sys (%.0f %% of one core per worker, %.0f us per URL)", u, s, 100 * (u + s) / w / k, (u + s) * 1e6 / n }')"
say "pg commits  $((xact1 - xact0)) transactions in database sluice during the worker phase -> $(awk -v x="$((xact1 - xact0))" -v n="$N" 'BEGIN {
  printf "%.1f URLs per commit", (x > 0) ? n / x : 0 }') (claims, stores, heartbeats and slot leases alike)"
# the storing transactions: queue.finished_at is now() of the transaction that stored the row, so one
# (finished_by, finished_at) pair is one of them; results.fetched_at is when the row's outcome was decided
read -r stores rows gap50 gap90 < <(pg_sql "with t as (select finished_by, finished_at, count(*) as n from queue
    where state = 'done' group by 1, 2), g as (select n, extract(epoch from finished_at - lag(finished_at)
    over (partition by finished_by order by finished_at)) * 1000 as gap from t)
  select count(*), round(avg(n)), round(percentile_cont(0.5) within group (order by gap)::numeric),
         round(percentile_cont(0.9) within group (order by gap)::numeric) from g" sluice || echo "0 0 - -")
read -r wait50 wait90 < <(pg_sql "select round(percentile_cont(0.5) within group (order by d)::numeric),
    round(percentile_cont(0.9) within group (order by d)::numeric) from (select extract(epoch from
    q.finished_at - r.fetched_at) * 1000 as d from queue q join results r using (url)) x" sluice || echo "- -")
say "pg stores   ${stores} storing transactions, ${rows} rows each on average, one every ${gap50} ms per worker (median; p90 ${gap90} ms); a result waited ${wait50} ms from its fetch to its commit (median; p90 ${wait90} ms)"

ratio=$(awk -v a="$pg_rate" -v b="$sqlite_rate" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
verdict=$(awk -v r="$ratio" -v g="$GOAL" -v f="$failed" 'BEGIN { print (f == 0 && r >= g) ? "PASS" : "FAIL" }')
note=""; [ "$failed" -ne 0 ] && note=" (a run failed or rows missing/not ok)"
say "VERDICT queue: postgres ${pg_rate} URLs/s (${WORKERS} workers) / sqlite ${sqlite_rate} URLs/s = ${ratio} (goal >= ${GOAL}) ${verdict}${note}"
[ "$verdict" = PASS ]

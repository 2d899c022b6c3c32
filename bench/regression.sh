#!/usr/bin/env bash
# Regression check (issue 11): the plain URL-list workloads of this build against an earlier commit (BASE),
# side by side in the same run, on nginx (a server we did not write), the two alternating (this build first in
# odd runs). BASE is built in a temporary git worktree with its own bin/sluice (jar and start-up caches).
#   long   N URLs of a 1 KiB JSON document, -c 64 --per-host 64, no processing
#   short  N/10 URLs of the same document with --jq '{id, name, n: (.tags|length)}'
# Each run: URLs/s = URLs / wall seconds of the whole command (JVM start included); every URL must be stored ok.
# Goal: median(this build) >= GOAL (0.9) x median(BASE) for every workload: "within noise" on a 2-core machine.
# Env: BASE (f321887, the last commit before the frontier), N (200000), RUNS (3), WORKLOADS ("long short"),
# GOAL (0.9), LIMIT (seconds per command, 600).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BASE=${BASE:-f321887} N=${N:-200000} RUNS=${RUNS:-3} WORKLOADS=${WORKLOADS:-"long short"} GOAL=${GOAL:-0.9}
LIMIT=${LIMIT:-600}
bench_need "nginx:nginx" "sqlite3:sqlite3" "curl:curl" "git:git"
bench_init

BASE_TREE="$BENCH_TMP/base"
git -C "$BENCH_ROOT" worktree add --detach "$BASE_TREE" "$BASE" >/dev/null 2>&1 || die "cannot check out $BASE"
trap 'git -C "$BENCH_ROOT" worktree remove --force "$BASE_TREE" >/dev/null 2>&1 || true' EXIT
say "== regression: this build ($(git -C "$BENCH_ROOT" rev-parse --short HEAD)) against $BASE, $RUNS run(s) each, on nginx"
say "building $BASE (its own jar and start-up caches)…"
"$BASE_TREE/bin/sluice" --version >"$BENCH_TMP/base-build.out" 2>&1 || { cat "$BENCH_TMP/base-build.out"; die "$BASE does not build"; }
bench_warmup
bench_start_nginx
bench_urls "$N" "http://127.0.0.1:$NGINX_PORT/doc" "$BENCH_TMP/long.txt"
head -n $((N / 10)) "$BENCH_TMP/long.txt" >"$BENCH_TMP/short.txt"

args() {
  case $1 in
    long) echo "-c 64 --per-host 64" ;;
    short) echo "-c 64 --per-host 64 --jq {id,name,n:(.tags|length)}" ;;
  esac
}

# one WHO WORKLOAD I: a timed, checked run; sets RATE to its URLs/s (0 when it failed).
one() {
  local who=$1 w=$2 i=$3 db="$BENCH_TMP/$1-$2-$3.db" out="$BENCH_TMP/$1-$2-$3.out" urls total ok
  urls=$(wc -l <"$BENCH_TMP/$w.txt")
  read -ra a <<<"$(args "$w")"
  rm -f "$db" "$db-wal" "$db-shm"
  if [ "$who" = base ]; then
    bench_time "$out" timeout "$LIMIT" "$BASE_TREE/bin/sluice" run "$BENCH_TMP/$w.txt" "${a[@]}" --db "$db" --no-progress -q
  else
    BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$BENCH_TMP/$w.txt" "${a[@]}" --db "$db" --no-progress -q
  fi
  read -r total ok < <(bench_db_counts "$db")
  if [ "$BENCH_RC" -ne 0 ] || [ "$ok" -ne "$urls" ]; then
    say "$who $w run $i: exit $BENCH_RC, $ok of $urls ok"; tail -5 "$out"
    RATE=0; return
  fi
  RATE=$(awk -v n="$urls" -v w="$BENCH_WALL" 'BEGIN { printf "%.0f", n / w }')
}

verdict=PASS
for w in $WORKLOADS; do
  news=() bases=()
  for i in $(seq 1 "$RUNS"); do
    if [ $((i % 2)) -eq 1 ]; then
      one new "$w" "$i"; n=$RATE; one base "$w" "$i"; b=$RATE
    else
      one base "$w" "$i"; b=$RATE; one new "$w" "$i"; n=$RATE
    fi
    news+=("$n") bases+=("$b")
    say "$w run $i: this build $n URLs/s, $BASE $b URLs/s"
  done
  mn=$(printf '%s\n' "${news[@]}" | bench_median) mb=$(printf '%s\n' "${bases[@]}" | bench_median)
  ratio=$(awk -v a="$mn" -v b="$mb" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
  say "$w: medians this build $mn, $BASE $mb URLs/s: ratio $ratio (goal >= $GOAL)"
  awk -v r="$ratio" -v g="$GOAL" 'BEGIN { exit !(r >= g) }' || verdict=FAIL
done
say "VERDICT regression: $verdict"
[ "$verdict" = PASS ]

#!/usr/bin/env bash
# Crawl benchmark (issue 11): Sluice following the links of a generated site against Scrapy's CrawlSpider,
# on a server neither of them wrote (bench/origin/server.js: N pages of HTML, 10-30 links each, SITE_MS ms
# per page, one host), in the same run, the two alternating (Sluice first in odd runs).
#   sluice   bin/sluice run seed.txt --follow-links --db NEW -c CONC --per-host CONC --no-progress -q
#            (seed.txt: the site's root URL; the default scope, same-host, and the default selector, a[href])
#   scrapy   bench/ref/crawl_spider.py ROOT --db NEW -c CONC (Debian's python3-scrapy on /usr/bin/python3;
#            its settings and the reasons for them are at the top of that file)
# Each run: pages/s = pages stored / wall seconds of the whole command (JVM or Python start included), peak
# RSS (/usr/bin/time %M), and checks: the stored pages are exactly the site's pages reachable from the root
# (the server's /site-info says how many; no row outside the site, no page twice), and the server's own
# count of requests per page (pages requested more than once are shown).
# Goal: median Sluice pages/s >= GOAL (3) x median Scrapy pages/s, and Sluice's peak RSS <= MAX_MB (400,
# 10^6 bytes) in every run.
# Env: N (100000 pages), SITE_MS (20), CONC (64), RUNS (1 of each), GOAL (3), MAX_MB (400), LIMIT (3600 s per
# command), TOOLS ("sluice scrapy"; "scrapy" runs the reference alone, e.g. before Sluice can crawl: no
# verdict then), SLUICE_ARGS (extra options for every Sluice run).
# FIELDS=1 (bench/crawl-extract.sh sets it): both tools also extract each page's title and price into a table
# (Sluice: --table pages --extract 'title=css:title::text' --extract 'price:double=css:p.price::text | num';
# Scrapy: crawl_spider.py --fields, response.css into results.title and results.price), and every run's table
# is checked against what lxml/parsel read from the same pages (bench/ref/site_fields.py, which fetches every
# page of the site once before the runs, under a tag of its own, and computes the reachable pages from their
# links): exactly the reachable pages, each once, title and price equal; Sluice's rejects must be empty.
# CRAWL_NAME names the VERDICT line (crawl).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${N:-100000} SITE_MS=${SITE_MS:-20} CONC=${CONC:-64} RUNS=${RUNS:-1} GOAL=${GOAL:-3} MAX_MB=${MAX_MB:-400}
LIMIT=${LIMIT:-3600} TOOLS=${TOOLS:-"sluice scrapy"} FIELDS=${FIELDS:-0} NAME=${CRAWL_NAME:-crawl}
read -ra EXTRA <<<"${SLUICE_ARGS:-}"
SPIDER="$BENCH_ROOT/bench/ref/crawl_spider.py" ORACLE="$BENCH_ROOT/bench/ref/site_fields.py"
S_FIELDS=() R_FIELDS=()
if [ "$FIELDS" = 1 ]; then
  S_FIELDS=(--table pages --extract 'title=css:title::text' --extract 'price:double=css:p.price::text | num') R_FIELDS=(--fields)
fi
for t in $TOOLS; do case $t in sluice|scrapy) ;; *) die "unknown tool '$t' in TOOLS (sluice scrapy)" ;; esac; done
has() { [[ " $TOOLS " == *" $1 "* ]]; }
num() { awk "BEGIN { printf \"%.3f\", $* }"; }

bench_need "node:nodejs" "sqlite3:sqlite3" "curl:curl" "/usr/bin/time:time" "/usr/bin/python3:python3"
if has scrapy; then bench_need_py "scrapy:python3-scrapy"; fi
if [ "$FIELDS" = 1 ]; then bench_need_py "lxml:python3-lxml" "parsel:python3-parsel"; fi
bench_init

say "== $NAME: a generated site of $N pages (${SITE_MS} ms each, one host), -c $CONC --per-host $CONC; tools: $TOOLS; $RUNS run(s) each"
if has sluice; then
  bench_warmup
  missing=$(bench_sluice_has --follow-links) ||
    die "bin/sluice run has no $missing in this build: it cannot crawl yet (issue 11). TOOLS=scrapy runs the reference alone."
  [ ${#EXTRA[@]} -gt 0 ] && say "sluice      extra options for every run: ${EXTRA[*]}"
fi
if has scrapy; then
  say "reference   bench/ref/crawl_spider.py: Scrapy $(/usr/bin/python3 -c 'import scrapy; print(scrapy.__version__)'), Twisted $(/usr/bin/python3 -c 'import twisted; print(twisted.__version__)'), $(/usr/bin/python3 --version)"
fi
bench_start_node --site-pages "$N" --site-ms "$SITE_MS"
EXPECT=$(bench_node_json /site-info "['reachable']")
[ -n "$EXPECT" ] || die "no /site-info from the Node origin"
say "site        $EXPECT of $N pages reachable from the root (depths: $(bench_node_json /site-info "['depths']" | tr -d "{}' ")); ideal $(num "$EXPECT * $SITE_MS / 1000 / $CONC") s at $CONC in flight"
if [ "$FIELDS" = 1 ]; then
  say "fields      sluice ${S_FIELDS[*]}; scrapy ${R_FIELDS[*]} (title, price by response.css)"
  FIELDS_TSV="$BENCH_TMP/fields.tsv"
  oracle=$(timeout "$LIMIT" /usr/bin/python3 "$ORACLE" expect "http://127.0.0.1:$NODE_PORT/site/ck/" --pages "$N" --out "$FIELDS_TSV") ||
    die "bench/ref/site_fields.py expect failed"
  say "oracle      bench/ref/site_fields.py (parsel $(/usr/bin/python3 -c 'import parsel; print(parsel.__version__)'), lxml $(/usr/bin/python3 -c 'import lxml.etree as e; print(e.__version__)')): every page fetched and read once, $oracle by their links"
  [ "${oracle#reachable }" = "$EXPECT of $N" ] || die "the oracle's reachable pages ($oracle) are not the server's ($EXPECT of $N)"
fi

declare -A RATES=() RSSES=()
FAILED_RUNS=0

# one TOOL I: one timed, checked run of TOOL on the site under its own tag (fresh URLs, fresh database).
one() {
  local tool=$1 i=$2 tag="${1:0:2}$2" db out rssf root counts total ok distinct outside kib rss rate requests repeated bad=""
  db="$BENCH_TMP/$tag.db" out="$BENCH_TMP/$tag.out" rssf="$BENCH_TMP/$tag.rss"
  root="http://127.0.0.1:$NODE_PORT/site/$tag/"
  rm -f "$db" "$db-wal" "$db-shm" "$rssf"
  if [ "$tool" = sluice ]; then
    echo "$root" >"$BENCH_TMP/seed.txt"
    BENCH_PREFIX=(/usr/bin/time -f '%M' -o "$rssf")
    BENCH_DB=$db BENCH_LIMIT=$LIMIT bench_timed_sluice "$out" run "$BENCH_TMP/seed.txt" --follow-links --db "$db" \
      -c "$CONC" --per-host "$CONC" --no-progress -q "${S_FIELDS[@]}" "${EXTRA[@]}"
    BENCH_PREFIX=()
    counts=$(sqlite3 -separator ' ' "$db" "select count(*), coalesce(sum(status = 'ok'), 0), count(distinct url),
      coalesce(sum(url not like '$root%'), 0) from results" 2>/dev/null || echo "0 0 0 0")
  else
    bench_time "$out" /usr/bin/time -f '%M' -o "$rssf" timeout "$LIMIT" /usr/bin/python3 "$SPIDER" "$root" --db "$db" -c "$CONC" "${R_FIELDS[@]}"
    counts=$(sqlite3 -separator ' ' "$db" "select count(*), coalesce(sum(http_status = 200), 0), count(distinct url),
      coalesce(sum(url not like '$root%'), 0) from results" 2>/dev/null || echo "0 0 0 0")
  fi
  read -r total ok distinct outside <<<"$counts"
  kib=$(tail -n 1 "$rssf" 2>/dev/null | tr -dc '0-9')
  rss=$([ -n "$kib" ] && num "$kib * 1024 / 1e6" || echo 0)
  rate=$(num "$ok / $BENCH_WALL")
  requests=$(bench_node_json /stats "['site']['$tag']['requests']")
  repeated=$(bench_node_json /stats "['site']['$tag']['repeated']")
  say "$(printf '%-6s' "$tool") run $i  wall ${BENCH_WALL} s  exit ${BENCH_RC}  pages ok ${ok} of ${total} rows (want ${EXPECT})  ${rate%.*} pages/s  peak RSS ${rss} MB  server: ${requests:-0} requests, ${repeated:-0} pages requested more than once  load $(cut -d' ' -f1 /proc/loadavg)"
  [ "$tool" = sluice ] && say "  | sluice: $(bench_sluice_line "$out")$(sqlite3 -separator ' ' "$db" "select ', ' || group_concat(rule || ' ' || n, ', ') from (select rule, count(*) n from queue group by rule)" 2>/dev/null || true)"
  [ "$BENCH_RC" -eq 0 ] || bad="exit $BENCH_RC"
  [ "$ok" -eq "$EXPECT" ] && [ "$total" -eq "$EXPECT" ] || bad="${bad:+$bad; }$ok pages ok and $total rows, want $EXPECT"
  [ "$distinct" -eq "$total" ] && [ "$outside" -eq 0 ] || bad="${bad:+$bad; }$distinct distinct URLs of $total rows, $outside outside the site"
  if [ "$FIELDS" = 1 ]; then
    local query="select url, title, price from results" fields rejects=0 frc=0
    [ "$tool" = sluice ] && query="select _url, title, price from pages" &&
      rejects=$(sqlite3 "$db" "select count(*) from rejects" 2>/dev/null || echo "?")
    fields=$(/usr/bin/python3 "$ORACLE" check "$FIELDS_TSV" --db "$db" --root "$root" --query "$query" 2>&1) || frc=$?
    say "  | fields: $(head -n 1 <<<"$fields")$([ "$tool" = sluice ] && echo "; rejects $rejects")"
    tail -n +2 <<<"$fields" | sed 's/^/  | /'
    [ "$frc" -eq 0 ] && [ "$rejects" = 0 ] || bad="${bad:+$bad; }fields not as lxml/parsel read them (or rejects: $rejects)"
  fi
  if [ -n "$bad" ]; then
    FAILED_RUNS=$(( FAILED_RUNS + 1 ))
    say "  FAILED: $bad; last lines of its output:"
    grep -v '^ *$' "$out" | tail -n 15 | sed 's/^/  | /'
    [ "$tool" = sluice ] && bench_db_errors "$db" | sed 's/^/  | failed rows: /'
  fi
  RATES[$tool]+="$rate " RSSES[$tool]+="$rss "
  rm -f "$db" "$db-wal" "$db-shm"
}

for i in $(seq 1 "$RUNS"); do
  if (( i % 2 )); then order="sluice scrapy"; else order="scrapy sluice"; fi
  for tool in $order; do has "$tool" && one "$tool" "$i"; done
done

med() { tr ' ' '\n' <<<"${RATES[$1]}" | grep . | bench_median; }
maxrss() { tr ' ' '\n' <<<"${RSSES[$1]}" | grep . | sort -g | tail -n 1; }
say ""
if ! has sluice || ! has scrapy; then
  for tool in $TOOLS; do say "crawl    $tool median ${RATES[$tool]:+$(med "$tool")} pages/s, largest peak RSS $(maxrss "$tool") MB (runs: ${RATES[$tool]% })"; done
  say "VERDICT $NAME: only $TOOLS ran (TOOLS), no comparison; $FAILED_RUNS run(s) failed FAIL"
  exit 1
fi
S=$(med sluice) R=$(med scrapy) M=$(maxrss sluice)
RATIO=$(num "$S / $R")
PASS=$(awk -v r="$RATIO" -v g="$GOAL" -v m="$M" -v mm="$MAX_MB" -v f="$FAILED_RUNS" 'BEGIN { print (f == 0 && r >= g && m <= mm) ? "PASS" : "FAIL" }')
say "VERDICT $NAME: sluice ${S%.*} pages/s / scrapy ${R%.*} pages/s = ${RATIO}x (goal >= ${GOAL}x); sluice peak RSS ${M} MB (goal <= ${MAX_MB}), scrapy $(maxrss scrapy) MB$([ "$FAILED_RUNS" -eq 0 ] || echo "; $FAILED_RUNS run(s) failed or stored the wrong pages") $PASS"
[ "$PASS" = PASS ]

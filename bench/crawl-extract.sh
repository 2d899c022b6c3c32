#!/usr/bin/env bash
# Crawl-and-extract benchmark: bench/crawl.sh's crawl (the generated site of bench/origin/server.js, one host,
# SITE_MS ms a page, -c CONC --per-host CONC, --follow-links, Sluice against Scrapy's CrawlSpider, alternating,
# every run checked to store exactly the reachable pages once) with FIELDS=1: both tools extract each page's
# title and price by CSS into a table,
#   sluice   bin/sluice run seed.txt --follow-links --db NEW -c CONC --per-host CONC --no-progress -q --table pages
#              --extract 'title=css:title::text' --extract 'price:double=css:p.price::text | num'
#   scrapy   bench/ref/crawl_spider.py ROOT --db NEW -c CONC --fields   (response.css('title::text'),
#              response.css('p.price::text') read as a number, into results.title, results.price)
# and every run's rows are compared with what lxml/parsel read from the same pages (bench/ref/site_fields.py):
# the reachable pages, each once, title and price equal, no rejects.
# Goal: median Sluice pages/s >= GOAL (10) x Scrapy's, Sluice's peak RSS <= MAX_MB (400) in every run.
# Env: as crawl.sh, with other defaults: N (20000 pages), RUNS (3 of each), GOAL (10); SITE_MS (20), CONC (64),
# MAX_MB (400), LIMIT, TOOLS, SLUICE_ARGS.
set -euo pipefail
export N=${N:-20000} RUNS=${RUNS:-3} GOAL=${GOAL:-10} FIELDS=1 CRAWL_NAME=crawl-extract
exec "$(dirname "${BASH_SOURCE[0]}")/crawl.sh"

#!/usr/bin/python3
"""Reference crawler for bench/crawl.sh: a Scrapy CrawlSpider written as a competent Scrapy user would for
"crawl this one site into SQLite as fast as it will go". Debian: python3-scrapy (2.8 on bookworm); run with
/usr/bin/python3 (the apt package installs there, not for a pyenv python first on PATH).

  crawl_spider.py ROOT_URL --db OUT.db [-c 64] [--log-level INFO] [--fields]

Rule: from ROOT_URL, follow every <a href> (LinkExtractor's default tags and attributes: a and area, href)
whose absolute URL starts with ROOT_URL, i.e. the same scheme, host and port and the site's pages, the same
link rule as `sluice run --follow-links` (same host, the site's pages); fragments are dropped (Scrapy's
request fingerprint ignores them, so `page/9#sec-1` and `page/9` are fetched once); mailto:, javascript: and
other hosts are never requested (LinkExtractor keeps http(s) only; allow= limits to the site; allowed_domains
for the OffsiteMiddleware too). Every page, the root included (parse_start_url), is one item: url (without
fragment), http status, <title>, SHA-256 of the body and its length. With --fields (bench/crawl-extract.sh)
also the price: response.css('p.price::text'), read as a number the way a Scrapy user would (the first number,
',' as the thousands separator: "$1,234.56" is 1234.56, as Sluice's `| num`), into results.price (REAL); the
title and price text with whitespace runs made one space and trimmed (as Sluice stores a value).

Items go into SQLite through an item pipeline (`results`, one row per page), as a user would write one:
a buffer committed every 1,000 items in one executemany transaction, WAL and synchronous=NORMAL (as Sluice),
the rest on close. Writes are on the reactor thread: Scrapy pipelines are synchronous unless one goes out of
the way, and 1,000-row SQLite commits take a few ms.

Settings and why (Scrapy's "Broad crawls" advice where it applies to one host):
  CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 64  (-c; as Sluice's -c 64 --per-host 64)
  DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = False, ROBOTSTXT_OBEY = False   nothing slows it on purpose
  COOKIES_ENABLED = False        a plain site crawl needs none; saves the cookie middleware's work
  RETRY_ENABLED = True (default 2 retries)  kept: Sluice retries too; on loopback nothing fails anyway
  DOWNLOAD_TIMEOUT = 30          default 180 s; a page takes 20 ms
  REACTOR_THREADPOOL_MAXSIZE = 20  the DNS resolver's pool (irrelevant for 127.0.0.1; the docs advise it)
  DNSCACHE_ENABLED = True (default)
  LOG_LEVEL = INFO               per-request DEBUG lines cost a lot; INFO logs stats once a minute
  TELNETCONSOLE_ENABLED = False  not wanted in a benchmark
  REQUEST_FINGERPRINTER_IMPLEMENTATION = '2.7'  what `scrapy startproject` writes since 2.7 (the old default
                                 warns); fingerprints ignore fragments either way
  The root is requested with dont_filter=False (start_requests), so a link back to it is not fetched again.
  REDIRECT_ENABLED = True, DEPTH_LIMIT = 0 (defaults)  the site has no redirects; no depth limit
  Scheduler: the defaults (memory queues, LIFO: depth-first, which keeps the pending queue smaller than
  breadth-first on one site; DEPTH_PRIORITY/FIFO would only change the order). Reactor: Twisted's default
  (epoll), not the asyncio reactor `startproject` writes into new projects' settings (slower, and nothing
  here needs asyncio).
Exit status 0 when the crawl finished (whatever it stored: bench/crawl.sh counts the rows), 1 on an error.
"""
import argparse, hashlib, re, sqlite3, sys, time
from urllib.parse import urldefrag, urlsplit

from scrapy import Request
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


NUMBER = re.compile(r'\d[\d,]*(?:\.\d+)?')


def clean(text):  # whitespace runs made one space, trimmed; None stays None
    return ' '.join(text.split()) if text is not None else None


def number(text):  # the first number of a price as written in English ("$1,234.56"), else None
    m = NUMBER.search(text or '')
    return float(m.group(0).replace(',', '')) if m else None


class SiteSpider(CrawlSpider):
    name = 'site'

    def __init__(self, root, fields=False, *args, **kwargs):
        self.start_urls, self.fields = [root], fields
        self.allowed_domains = [urlsplit(root).hostname]
        self.rules = (Rule(LinkExtractor(allow=(r'^' + re.escape(root),)), callback='parse_page', follow=True),)
        super().__init__(*args, **kwargs)  # compiles self.rules

    def start_requests(self):  # start URLs are sent with dont_filter=True: a link back to the root would fetch it again
        for url in self.start_urls:
            yield Request(url)

    def parse_start_url(self, response):  # CrawlSpider stores nothing for the start URL by default
        return [self.parse_page(response)]

    def parse_page(self, response):
        if self.fields:
            title, price = clean(response.css('title::text').get()), number(clean(response.css('p.price::text').get()))
        else:
            title, price = response.css('title::text').get(), None
        return {
            'url': urldefrag(response.url)[0],
            'status': response.status,
            'title': title,
            'price': price,
            'sha256': hashlib.sha256(response.body).hexdigest(),
            'bytes': len(response.body),
        }


class SqlitePipeline:
    """Stores items in SQLite, committing every BATCH items in one transaction."""
    BATCH = 1000

    def __init__(self, path):
        self.path, self.buffer = path, []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get('SQLITE_PATH'))

    def open_spider(self, spider):
        self.db = sqlite3.connect(self.path)
        self.db.executescript('''PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
          CREATE TABLE IF NOT EXISTS results (url TEXT PRIMARY KEY, http_status INTEGER, title TEXT,
            sha256 TEXT, bytes INTEGER, price REAL);''')

    def process_item(self, item, spider):
        self.buffer.append((item['url'], item['status'], item['title'], item['sha256'], item['bytes'], item['price']))
        if len(self.buffer) >= self.BATCH:
            self.flush()
        return item

    def flush(self):
        with self.db:  # one transaction
            self.db.executemany('INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?)', self.buffer)
        self.buffer.clear()

    def close_spider(self, spider):
        self.flush()
        self.db.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('root'); p.add_argument('--db', required=True)
    p.add_argument('-c', type=int, default=64); p.add_argument('--log-level', default='INFO')
    p.add_argument('--fields', action='store_true', help='also the price (p.price, as a number) into results.price')
    a = p.parse_args()
    process = CrawlerProcess(settings={
        'CONCURRENT_REQUESTS': a.c,
        'CONCURRENT_REQUESTS_PER_DOMAIN': a.c,
        'DOWNLOAD_DELAY': 0,
        'AUTOTHROTTLE_ENABLED': False,
        'ROBOTSTXT_OBEY': False,
        'COOKIES_ENABLED': False,
        'DOWNLOAD_TIMEOUT': 30,
        'REACTOR_THREADPOOL_MAXSIZE': 20,
        'LOG_LEVEL': a.log_level,
        'TELNETCONSOLE_ENABLED': False,
        'REQUEST_FINGERPRINTER_IMPLEMENTATION': '2.7',
        'ITEM_PIPELINES': {SqlitePipeline: 300},
        'SQLITE_PATH': a.db,
    })
    crawler = process.create_crawler(SiteSpider)
    t0 = time.monotonic()
    process.crawl(crawler, root=a.root, fields=a.fields)
    process.start()
    wall = time.monotonic() - t0
    stats = crawler.stats.get_stats()
    items = stats.get('item_scraped_count', 0)
    print(f"crawl_spider: {items} pages in {wall:.1f} s ({items / wall:.0f} pages/s); "
          f"requests {stats.get('downloader/request_count', 0)}, errors {stats.get('log_count/ERROR', 0)}, "
          f"finish reason {stats.get('finish_reason')}", file=sys.stderr)
    return 0 if stats.get('finish_reason') == 'finished' and not stats.get('log_count/ERROR') else 1


if __name__ == '__main__':
    sys.exit(main())

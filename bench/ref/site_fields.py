#!/usr/bin/python3
"""The oracle of bench/crawl-extract.sh: what Python's lxml (through parsel, Scrapy's selector library;
Debian: python3-parsel, python3-lxml) reads from every page of bench/origin/server.js's generated site, and
a check of a crawler's table against it. Run with /usr/bin/python3.

  site_fields.py expect ROOT --pages N --out EXPECTED.tsv [-c 32]
      GETs every page of the site (ROOT = http://HOST:PORT/site/<tag>/, pages 0..N-1; a tag of its own, so
      the crawlers' per-tag request counts stay theirs), and for each: title = css('title::text'), price =
      css('p.price::text') read as a number (the first number, ',' as thousands separator: "$1,234.56" is
      1234.56, as Sluice's `| num`), both with whitespace runs made one space and trimmed (as Sluice trims
      a value); its links (css('a::attr(href)'), resolved against the page URL, fragment dropped, kept
      when under ROOT) make the breadth-first set of pages reachable from the root, computed here rather
      than taken from the server's /site-info (the script compares the two).
      Writes: page reachable title price_text price (tab-separated), and prints "reachable R of N".
  site_fields.py check EXPECTED.tsv --db DB --root ROOT --query 'SELECT url, title, price FROM ...'
      Every row the query returns is mapped to its page (ROOT -> 0, ROOT/page/<i> -> i) and compared:
      exactly the reachable pages, each once, nothing else; title equal; price equal as a double.
      Prints one line of counts (and up to 5 examples of each kind of mismatch); exit 0 when all match.
"""
import argparse, re, sqlite3, sys, http.client
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import local
from urllib.parse import urljoin, urldefrag, urlsplit

from parsel import Selector

NUMBER = re.compile(r'\d[\d,]*(?:\.\d+)?')


def norm(text):
    return ' '.join(text.split()) if text is not None else None


def num(text):
    m = NUMBER.search(text or '')
    return float(m.group(0).replace(',', '')) if m else None


def page_of(url, root):
    if url == root:
        return 0
    if url.startswith(root + 'page/') and url[len(root) + 5:].isdigit():
        return int(url[len(root) + 5:])
    return None


def expect(a):
    parts, conns = urlsplit(a.root), local()

    def get(i):
        url = a.root if i == 0 else f'{a.root}page/{i}'
        if not hasattr(conns, 'c'):
            conns.c = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conns.c.request('GET', urlsplit(url).path)
        r = conns.c.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f'site_fields: GET {url}: HTTP {r.status}')
        sel = Selector(text=body.decode('utf-8'))
        title, price = norm(sel.css('title::text').get()), norm(sel.css('p.price::text').get())
        links = set()
        for href in sel.css('a::attr(href)').getall():
            p = page_of(urldefrag(urljoin(url, href))[0], a.root)
            if p is not None:
                links.add(p)
        return i, title, price, links

    with ThreadPoolExecutor(a.c) as pool:
        pages = {i: rest for i, *rest in pool.map(get, range(a.pages), chunksize=64)}
    reach, queue = {0}, [0]
    for p in queue:  # breadth-first
        for t in pages[p][2]:
            if t not in reach:
                reach.add(t); queue.append(t)
    with open(a.out, 'w') as f:
        for i in range(a.pages):
            title, price, _ = pages[i]
            f.write(f"{i}\t{int(i in reach)}\t{title or ''}\t{price or ''}\t{num(price) if price else ''}\n")
    print(f'reachable {len(reach)} of {a.pages}')


def check(a):
    exp = {}
    with open(a.expected) as f:
        for line in f:
            i, reach, title, _, price = line.rstrip('\n').split('\t')
            exp[int(i)] = (reach == '1', title or None, float(price) if price else None)
    reachable = {i for i, e in exp.items() if e[0]}
    rows = sqlite3.connect(f'file:{a.db}?mode=ro', uri=True).execute(a.query).fetchall()
    bad = {'outside': [], 'unreachable': [], 'title': [], 'price': []}
    seen = Counter()
    for url, title, price in rows:
        p = page_of(url, a.root)
        if p is None or p not in exp:
            bad['outside'].append(url); continue
        seen[p] += 1
        want = exp[p]
        if not want[0]:
            bad['unreachable'].append(url)
        if title != want[1]:
            bad['title'].append(f'{url}: {title!r} want {want[1]!r}')
        if (float(price) if price is not None else None) != want[2]:
            bad['price'].append(f'{url}: {price!r} want {want[2]!r}')
    twice = [p for p, n in seen.items() if n > 1]
    missing = sorted(reachable - seen.keys())
    n_bad = sum(map(len, bad.values())) + len(twice) + len(missing)
    print(f'{len(rows)} rows, {len(seen)} distinct pages of {len(reachable)} reachable: missing {len(missing)}, '
          f'twice {len(twice)}, unreachable {len(bad["unreachable"])}, outside the site {len(bad["outside"])}, '
          f'title differs {len(bad["title"])}, price differs {len(bad["price"])}'
          f'{" (every page as lxml/parsel reads it)" if n_bad == 0 else ""}')
    for kind, examples in [('missing', missing), ('twice', twice), *bad.items()]:
        for e in examples[:5]:
            print(f'  {kind}: {e}')
    return 0 if n_bad == 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    e = sub.add_parser('expect'); e.add_argument('root'); e.add_argument('--pages', type=int, required=True)
    e.add_argument('--out', required=True); e.add_argument('-c', type=int, default=32)
    c = sub.add_parser('check'); c.add_argument('expected'); c.add_argument('--db', required=True)
    c.add_argument('--root', required=True); c.add_argument('--query', required=True)
    a = p.parse_args()
    return expect(a) if a.cmd == 'expect' else check(a)


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
"""Reference for bench/json-tables.sh, written from the seed's design as a competent Python user would for
"load these JSON documents into typed tables": asyncio + aiohttp fetching (ref/pipeline.py's fetch: the same
semaphore, timeout, retries and body limit), a ProcessPoolExecutor that parses, flattens and types each body
into parent and child rows, and ONE SQLite writer doing executemany in transactions. Debian: python3-aiohttp,
python3-uvloop; run with /usr/bin/python3.

  json_tables.py URLS.txt --db OUT.db [--table docs] [--primary-key id] [-c 32] [--procs N] [--uvloop]

Each body is one JSON object, one row of TABLE: its scalar keys are columns, a nested object's keys `a__b`
columns; each list is the child table TABLE__KEY, one row per element with the parent's key (`_parent_id`)
and the element's position (`_idx`), an object element's keys as columns (deeper lists and objects as JSON
text), any other element the column `value` (as Sluice's --jq '.' --table with --max-nesting 1). Types: from
the values of the first body (bool BOOLEAN, int BIGINT, float DOUBLE PRECISION, str TEXT, list/object JSON
text), so the tables are made by the writer when the first rows come; a later key not in the table is an
error (the documents share one shape). Merge on the primary key: the parent row upserted, the key's child
rows deleted then inserted, in the body's transaction. The writer takes what is queued, up to BATCH_ROWS
(100,000) rows, per transaction (sqlite3 in a thread, WAL, synchronous=NORMAL, as Sluice), `results` (url,
status, http_status, attempts, error, bytes) in the same transaction.
Prints the rows stored and the span from the first fetch's start to the last commit; exit 0, or 3 if a URL
failed.
"""
import argparse, asyncio, json, os, sqlite3, sys, time
from concurrent.futures import ProcessPoolExecutor
import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pipeline import fetch, Failed  # noqa: E402  the same fetching as neutral.sh's reference

BATCH_ROWS = 100_000
SQL_TYPES = {bool: 'BOOLEAN', int: 'BIGINT', float: 'DOUBLE PRECISION', str: 'TEXT', list: 'TEXT', dict: 'TEXT'}


def flat(obj, prefix=''):
    """A JSON object's columns: nested objects flattened to a__b; lists kept (the caller makes them children)."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(flat(v, f'{prefix}{k}__'))
        else:
            out[prefix + k] = v
    return out


def cell(v):  # a value as SQLite takes it: deeper lists and objects as JSON text
    return json.dumps(v, separators=(',', ':')) if isinstance(v, (list, dict)) else v


def normalise(body, key):  # runs in the process pool
    """(parent columns, parent row, {child: (columns, rows)}) of one body."""
    doc = flat(json.loads(body))
    cols = [k for k, v in doc.items() if not isinstance(v, list)]
    kids = {}
    for k, v in doc.items():
        if isinstance(v, list):
            if v and all(isinstance(e, dict) for e in v):
                first = flat(v[0])
                ccols = list(first)
                rows = [(doc[key], i, *(cell(e.get(c)) for c in ccols)) for i, e in enumerate(map(flat, v))]
                types = {c: type(first[c]) for c in ccols}
            else:
                ccols, rows = ['value'], [(doc[key], i, cell(e)) for i, e in enumerate(v)]
                types = {'value': type(v[0]) if v else str}
            kids[k] = (ccols, types, rows)
    return cols, {c: type(doc[c]) for c in cols}, tuple(cell(doc[c]) for c in cols), kids


class Writer:
    def __init__(self, path, table, key):
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.executescript('''PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
          CREATE TABLE IF NOT EXISTS results (url TEXT PRIMARY KEY, status TEXT, http_status INTEGER, attempts INTEGER,
            error TEXT, bytes INTEGER);''')
        self.table, self.key, self.sql, self.rows = table, key, None, 0

    def make(self, cols, types, kids):  # the tables, from the first body's shape
        t, k = self.table, self.key
        defs = ', '.join(f'"{c}" {SQL_TYPES[types[c]]}' + (' PRIMARY KEY' if c == k else '') for c in cols)
        ddl = [f'CREATE TABLE "{t}" ({defs}, _url TEXT, _fetched_at TEXT)']
        names = ', '.join(f'"{c}"' for c in cols)
        upd = ', '.join(f'"{c}" = excluded."{c}"' for c in cols + ['_url', '_fetched_at'] if c != k)
        self.sql = {'parent': f'INSERT INTO "{t}" ({names}, _url, _fetched_at) VALUES ({", ".join("?" * (len(cols) + 2))}) '
                              f'ON CONFLICT ("{k}") DO UPDATE SET {upd}', 'kids': {}}
        for name, (ccols, ctypes, _) in kids.items():
            ct = f'{t}__{name}'
            cdefs = ', '.join(f'"{c}" {SQL_TYPES[ctypes[c]]}' for c in ccols)
            ddl.append(f'CREATE TABLE "{ct}" (_parent_id {SQL_TYPES[types[k]]} NOT NULL, _idx INTEGER NOT NULL, {cdefs}, '
                       f'PRIMARY KEY (_parent_id, _idx))')
            self.sql['kids'][name] = (f'DELETE FROM "{ct}" WHERE _parent_id = ?',
                                      f'INSERT INTO "{ct}" VALUES ({", ".join("?" * (len(ccols) + 2))})')
        with self.db:
            for s in ddl:
                self.db.execute(s)

    def store(self, batch):  # one transaction: each body's result row, parent row and child rows
        with self.db:
            for url, row, norm, fetched_at in batch:
                self.db.execute('INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?)', (url,) + row)
                if norm is None:
                    continue
                cols, types, values, kids = norm
                if self.sql is None:
                    self.make(cols, types, kids)
                self.db.execute(self.sql['parent'], values + (url, fetched_at))
                key = values[cols.index(self.key)]
                for name, (_, _, rows) in kids.items():
                    delete, insert = self.sql['kids'][name]
                    self.db.execute(delete, (key,))
                    self.db.executemany(insert, rows)
                    self.rows += len(rows)
                self.rows += 1


async def worker(urls, session, sem, pool, out, a, first):
    loop = asyncio.get_running_loop()
    for url in urls:
        first.setdefault('t', time.time())
        try:
            status, attempts, body = await fetch(session, sem, url, a)
            fetched_at = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime()) + f'.{int(time.time() * 1000) % 1000:03d}Z'
            try:
                norm = await loop.run_in_executor(pool, normalise, body, a.primary_key)
                row = ('ok', status, attempts, None, len(body))
            except Exception as e:
                norm, row = None, ('failed', status, attempts, 'process', len(body))
        except Failed as f:
            norm, fetched_at, row = None, None, ('failed', f.row[1], f.row[2], f.row[3], None)
        await out.put((url, row, norm, fetched_at, 1 + sum(len(k[2]) for k in norm[3].values()) if norm else 1))


async def writer(w, out, last):
    while True:
        item = await out.get()
        batch, rows = [item], item[-1] if item else 0
        while rows < BATCH_ROWS and not out.empty() and batch[-1] is not None:
            item = out.get_nowait(); batch.append(item); rows += item[-1] if item else 0
        done = batch[-1] is None
        batch = [b[:4] for b in batch if b is not None]
        if batch:
            await asyncio.to_thread(w.store, batch)
            last['t'] = time.time()
        if done:
            return


async def main(a):
    with open(a.input) as f:
        urls = list(dict.fromkeys(l.strip() for l in f if l.strip() and not l.startswith('#')))
    w = Writer(a.db, a.table, a.primary_key)
    out, sem = asyncio.Queue(maxsize=2 * a.c), asyncio.Semaphore(a.c)
    connector = aiohttp.TCPConnector(limit=a.c, limit_per_host=a.c)
    first, last = {}, {}
    with ProcessPoolExecutor(a.procs) as pool:
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=a.timeout),
                                         cookie_jar=aiohttp.DummyCookieJar()) as session:
            wt = asyncio.create_task(writer(w, out, last))
            it = iter(urls)  # 2 x C workers over one iterator: normalising overlaps fetching
            await asyncio.gather(*(worker(it, session, sem, pool, out, a, first) for _ in range(2 * a.c)))
            await out.put(None)
            await wt
    failed = w.db.execute("SELECT count(*) FROM results WHERE status = 'failed'").fetchone()[0]
    span = last.get('t', 0) - first.get('t', 0)
    print(f'json_tables: {len(urls)} URLs, {len(urls) - failed} ok, {failed} failed; {w.rows} rows '
          f'(parent + child) in {span:.3f} s from the first fetch to the last commit ({w.rows / max(span, 1e-9):.0f} rows/s)')
    return 3 if failed else 0


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('input'); p.add_argument('--db', required=True)
    p.add_argument('--table', default='docs'); p.add_argument('--primary-key', default='id')
    p.add_argument('-c', type=int, default=32); p.add_argument('--timeout', type=float, default=30.0)
    p.add_argument('--retries', type=int, default=3); p.add_argument('--max-body', type=int, default=16 << 20)
    p.add_argument('--procs', type=int, default=os.cpu_count()); p.add_argument('--uvloop', action='store_true')
    a = p.parse_args()
    if a.uvloop:
        import uvloop; uvloop.install()
    sys.exit(asyncio.run(main(a)))

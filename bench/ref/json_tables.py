#!/usr/bin/python3
"""Reference for bench/json-tables.sh, written from the seed's design as a competent user would: asyncio + aiohttp
fetch each URL (a semaphore of -c), a ProcessPoolExecutor parses each JSON body and flattens it into typed rows of
three tables (the document; its `tags` and `items` lists as child tables keyed by the parent's id and the list
index; a list inside an item kept as JSON), and ONE SQLite writer loads them with executemany, one transaction per
batch, merging on the id (a document stored again replaces its row and its child rows).
  json_tables.py URLS.txt --db OUT.db [-c 32] [--uvloop]
Debian: python3-aiohttp python3-uvloop; run with /usr/bin/python3. Exit 0, or 3 if any URL failed."""
import argparse, asyncio, json, os, sqlite3, sys
from concurrent.futures import ProcessPoolExecutor
import aiohttp

SCHEMA = '''PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
  CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, name TEXT, _url TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS docs__tags (_parent_id INTEGER NOT NULL, _idx INTEGER NOT NULL, value TEXT,
    PRIMARY KEY (_parent_id, _idx));
  CREATE TABLE IF NOT EXISTS docs__items (_parent_id INTEGER NOT NULL, _idx INTEGER NOT NULL, k INTEGER, name TEXT,
    value INTEGER, flag INTEGER, unit TEXT, tags TEXT, PRIMARY KEY (_parent_id, _idx));
  CREATE TABLE IF NOT EXISTS failures (url TEXT PRIMARY KEY, detail TEXT);'''

def normalise(url, body):  # in the process pool: parse, flatten, type
    d = json.loads(body)
    pid = int(d['id'])
    doc = (pid, str(d['name']), url)
    tags = [(pid, i, str(t)) for i, t in enumerate(d.get('tags', []))]
    items = [(pid, i, int(it['k']), str(it['name']), int(it['value']), int(bool(it['flag'])), str(it['unit']),
              json.dumps(it['tags'], separators=(',', ':'))) for i, it in enumerate(d.get('items', []))]
    return doc, tags, items

async def worker(urls, session, sem, pool, out):
    loop = asyncio.get_running_loop()
    for url in urls:  # a shared iterator: each URL is taken by one worker
        try:
            async with sem, session.get(url) as r:
                r.raise_for_status()
                body = await r.read()
            await out.put(await loop.run_in_executor(pool, normalise, url, body))
        except Exception as e:  # noqa: BLE001 - a failure is a row, not a crash
            await out.put(('failed', url, f'{type(e).__name__}: {e}'))

def store(db, batch):
    docs = [b for b in batch if b[0] != 'failed']
    with db:  # one transaction per batch
        ids = [(d[0][0],) for d in docs]
        db.executemany('DELETE FROM docs__tags WHERE _parent_id = ?', ids)
        db.executemany('DELETE FROM docs__items WHERE _parent_id = ?', ids)
        db.executemany('INSERT OR REPLACE INTO docs VALUES (?,?,?)', [d[0] for d in docs])
        db.executemany('INSERT INTO docs__tags VALUES (?,?,?)', [t for d in docs for t in d[1]])
        db.executemany('INSERT INTO docs__items VALUES (?,?,?,?,?,?,?,?)', [i for d in docs for i in d[2]])
        db.executemany('INSERT OR REPLACE INTO failures VALUES (?,?)', [b[1:] for b in batch if b[0] == 'failed'])

async def writer(db, out):
    while True:
        batch = [await out.get()]
        while len(batch) < 16 and not out.empty():  # ~40,000 rows a transaction
            batch.append(out.get_nowait())
        done = batch[-1] is None
        batch = [b for b in batch if b is not None]
        if batch:
            await asyncio.to_thread(store, db, batch)  # sqlite3 blocks: off the event loop
        if done:
            return

async def main(a):
    with open(a.input) as f:
        urls = list(dict.fromkeys(l.strip() for l in f if l.strip()))
    db = sqlite3.connect(a.db, check_same_thread=False)
    db.executescript(SCHEMA)
    out, sem = asyncio.Queue(maxsize=2 * a.c), asyncio.Semaphore(a.c)
    connector = aiohttp.TCPConnector(limit=a.c, limit_per_host=a.c)
    with ProcessPoolExecutor(a.procs) as pool:
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
            w = asyncio.create_task(writer(db, out))
            it = iter(urls)
            await asyncio.gather(*(worker(it, session, sem, pool, out) for _ in range(2 * a.c)))
            await out.put(None)
            await w
    failed = db.execute('SELECT count(*) FROM failures').fetchone()[0]
    rows = sum(db.execute(f'SELECT count(*) FROM {t}').fetchone()[0] for t in ('docs', 'docs__tags', 'docs__items'))
    print(f'reference: {len(urls)} URLs, {len(urls) - failed} ok, {failed} failed, {rows} rows')
    return 3 if failed else 0

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('input'); p.add_argument('--db', required=True)
    p.add_argument('-c', type=int, default=32); p.add_argument('--procs', type=int, default=os.cpu_count())
    p.add_argument('--uvloop', action='store_true')
    a = p.parse_args()
    if a.uvloop:
        import uvloop; uvloop.install()
    sys.exit(asyncio.run(main(a)))

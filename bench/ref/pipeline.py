#!/usr/bin/python3
"""Reference pipeline for bench/neutral.sh, written from the seed's design (asyncio + aiohttp + a semaphore,
a ProcessPoolExecutor for the CPU work, one SQLite writer): fetch each URL, hash and project its body,
store one row per URL. Debian: python3-aiohttp python3-aiosqlite python3-uvloop; run with /usr/bin/python3.
  pipeline.py URLS.txt --db OUT.db [-c 50] [--timeout 2] [--retries 3] [--proj none|small|sum] [--uvloop] [--inline]
Error kinds as Sluice's: timeout, connect, io, http, too_large, redirects, process. Exit 0, or 3 if any failed."""
import argparse, asyncio, hashlib, json, os, random, sqlite3, sys, time
from concurrent.futures import ProcessPoolExecutor
from email.utils import parsedate_to_datetime
import aiohttp

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
PROJECTIONS = {  # the same as the jq expressions neutral.sh gives Sluice
    'small': lambda d: {'id': d['id'], 'name': d['name'], 'n': len(d['tags'])},   # {id, name, n: (.tags|length)}
    'sum': lambda d: {'n': len(d['items']), 'sum': sum(i['value'] for i in d['items'])},  # {n: .., sum: ([.items[].value]|add)}
}

def process(body, proj):  # runs in the process pool
    records = [json.dumps(PROJECTIONS[proj](json.loads(body)), separators=(',', ':'))] if proj != 'none' else []
    return hashlib.sha256(body).hexdigest(), records

def retry_after(value):
    if not value: return None
    try: return float(value)
    except ValueError:
        try: return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError): return None

async def fetch(session, sem, url, a):
    """One URL through its attempts: (http_status, attempts, body) or raises Failed."""
    status, attempt = None, 0
    while True:
        attempt += 1
        wait, retryable = None, True
        try:
            async with sem, session.get(url, max_redirects=6) as r:  # 6: aiohttp follows 5 (as Sluice), fails on the 6th
                status = r.status
                if not 200 <= r.status < 300:
                    kind, detail, retryable = 'http', f'HTTP {r.status} {r.reason}', r.status in RETRY_STATUS
                    wait = retry_after(r.headers.get('Retry-After'))
                elif (r.content_length or 0) > a.max_body:
                    raise Failed('too_large', f'Content-Length {r.content_length} > {a.max_body}', status, attempt)
                else:
                    body = bytearray()
                    async for chunk in r.content.iter_any():
                        body += chunk
                        if len(body) > a.max_body:
                            raise Failed('too_large', f'body > {a.max_body} bytes', status, attempt)
                    return status, attempt, bytes(body)
        except aiohttp.TooManyRedirects as e:
            kind, detail, retryable = 'redirects', str(e), False
        except asyncio.TimeoutError:
            kind, detail = 'timeout', f'no answer within {a.timeout} s'
        except aiohttp.ClientConnectorError as e:
            kind, detail = 'connect', str(e)
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as e:
            kind, detail = 'io', f'{type(e).__name__}: {e}'
        except aiohttp.ClientError as e:  # malformed response, bad encoding, ...: not retried
            kind, detail, retryable = 'io', f'{type(e).__name__}: {e}', False
        if not retryable or attempt > a.retries:
            raise Failed(kind, detail, status, attempt)
        await asyncio.sleep(min(wait, 60) if wait is not None else random.uniform(0, min(30, 0.25 * 2 ** (attempt - 1))))

class Failed(Exception):
    def __init__(self, kind, detail, status, attempts):
        super().__init__(detail); self.row = ('failed', status, attempts, kind, detail, None, None)

async def worker(urls, session, sem, pool, out, a):
    loop = asyncio.get_running_loop()
    for url in urls:  # a shared iterator: each URL is taken by one worker
        try:
            status, attempts, body = await fetch(session, sem, url, a)
            try:
                digest, records = process(body, a.proj) if a.inline else await loop.run_in_executor(pool, process, body, a.proj)
                row = ('ok', status, attempts, None, None, len(body), digest)
            except Exception as e:
                row, records = ('failed', status, attempts, 'process', f'{type(e).__name__}: {e}', len(body), None), []
        except Failed as f:
            row, records = f.row, []
        await out.put((url, row, records))

def store(db, batch):
    with db:  # one transaction per batch
        db.executemany('INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?)', [(u,) + row for u, row, _ in batch])
        db.executemany('INSERT OR REPLACE INTO records VALUES (?,?,?)', [(u, i, d) for u, _, recs in batch for i, d in enumerate(recs)])

async def writer(db, out):
    while True:
        batch = [await out.get()]
        while len(batch) < 1000 and not out.empty(): batch.append(out.get_nowait())
        done = batch[-1] is None
        batch = [b for b in batch if b is not None]
        if batch: await asyncio.to_thread(store, db, batch)  # sqlite3 blocks: off the event loop
        if done: return

async def main(a):
    with open(a.input) as f:
        urls = list(dict.fromkeys(l.strip() for l in f if l.strip() and not l.startswith('#')))
    db = sqlite3.connect(a.db, check_same_thread=False)
    db.executescript('''PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
      CREATE TABLE IF NOT EXISTS results (url TEXT PRIMARY KEY, status TEXT, http_status INTEGER, attempts INTEGER,
        error TEXT, detail TEXT, bytes INTEGER, sha256 TEXT);
      CREATE TABLE IF NOT EXISTS records (url TEXT, seq INTEGER, data TEXT, PRIMARY KEY (url, seq));''')
    out, sem = asyncio.Queue(maxsize=4 * a.c), asyncio.Semaphore(a.c)
    connector = aiohttp.TCPConnector(limit=a.c, limit_per_host=a.c)
    timeout = aiohttp.ClientTimeout(total=a.timeout)  # the whole attempt: connect, redirects, body
    with ProcessPoolExecutor(a.procs) as pool:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as session:
            w = asyncio.create_task(writer(db, out))
            it = iter(urls)  # 2 x C workers: processing overlaps fetching; the semaphore bounds fetches at C
            await asyncio.gather(*(worker(it, session, sem, pool, out, a) for _ in range(2 * a.c)))
            await out.put(None)
            await w
    failed = db.execute("SELECT count(*) FROM results WHERE status = 'failed'").fetchone()[0]
    print(f'reference: {len(urls)} URLs, {len(urls) - failed} ok, {failed} failed')
    return 3 if failed else 0

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('input'); p.add_argument('--db', required=True)
    p.add_argument('-c', type=int, default=50); p.add_argument('--timeout', type=float, default=10.0)
    p.add_argument('--retries', type=int, default=3); p.add_argument('--max-body', type=int, default=16 << 20)
    p.add_argument('--proj', choices=['none', 'small', 'sum'], default='none')
    p.add_argument('--procs', type=int, default=os.cpu_count()); p.add_argument('--uvloop', action='store_true')
    p.add_argument('--inline', action='store_true', help='process in the event loop, not the pool (for small bodies)')
    a = p.parse_args()
    if a.uvloop:
        import uvloop; uvloop.install()
    sys.exit(asyncio.run(main(a)))

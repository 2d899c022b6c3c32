#!/usr/bin/python3
"""Checks for bench/json-tables.sh: the typed tables docs, docs__tags, docs__items a tool made from
bench/origin/server.js's /big/<tag>/<id> documents (ids 1..N), against the server.

  tables_check.py --db DB --expected BIG_TABLES.tsv --base http://HOST:PORT/big/TAG/ --layout sluice|ref [--spot 8]

BIG_TABLES.tsv is the server's /expected/big-tables?n=N (id name tags items sum flags). Checked: the row
counts exactly (docs N, docs__tags the sum of the tags, docs__items N x items); every document once, its
name and URL; per document its tags in order, and its items' count, positions 0..items-1, sum of `value`,
count of `flag` and k = position; then SPOT documents (spread over 1..N) GET from the server again and
compared value by value (every tag, every item's every column; nested `tags` as JSON text).
Layouts: sluice (merged: child rows hold _root, _parent_row, joined to docs by them; each docs row's _root must
be its id, and every child row must have its docs row) and
ref (bench/ref/json_tables.py: _parent_id). Prints one line (and up to 5 examples per kind); exit 0 if all is
as expected.
"""
import argparse, json, sqlite3, sys, urllib.request

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--db', required=True); p.add_argument('--expected', required=True); p.add_argument('--base', required=True)
p.add_argument('--layout', choices=['sluice', 'ref'], required=True); p.add_argument('--spot', type=int, default=8)
a = p.parse_args()

exp = {}
for line in open(a.expected):
    i, name, tags, items, total, flags = line.rstrip('\n').split('\t')
    exp[int(i)] = (name, tags.split(',') if tags else [], int(items), int(total), int(flags))
n = len(exp)
db = sqlite3.connect(f'file:{a.db}?mode=ro', uri=True)
q = lambda sql, *args: db.execute(sql, args).fetchall()
bad = {}
def fail(kind, what): bad.setdefault(kind, []).append(what)

if a.layout == 'sluice':  # a child row's document: its parent row, by (_root, _parent_row)
    child = lambda t: f'(SELECT d.id pid, c.* FROM "{t}" c JOIN docs d ON d._root = c._root AND d._row = c._parent_row)'
    wrong = q('SELECT count(*) FROM docs WHERE _root IS NOT CAST(id AS TEXT)')[0][0]
    if wrong: fail('_root', f'docs: {wrong} rows whose _root is not their id')
    for t in ('docs__tags', 'docs__items'):
        orphans = q(f'SELECT (SELECT count(*) FROM "{t}") - (SELECT count(*) FROM {child(t)})')[0][0]
        if orphans: fail('_root', f'{t}: {orphans} rows without their docs row')
else:
    child = lambda t: f'(SELECT _parent_id pid, * FROM "{t}")'

counts = {t: q(f'SELECT count(*) FROM "{t}"')[0][0] for t in ('docs', 'docs__tags', 'docs__items')}
want = {'docs': n, 'docs__tags': sum(len(e[1]) for e in exp.values()), 'docs__items': sum(e[2] for e in exp.values())}
for t in counts:
    if counts[t] != want[t]: fail('count', f'{t}: {counts[t]} rows, want {want[t]}')

docs = {}
for i, name, url in q('SELECT id, name, _url FROM docs'):
    if i in docs or i not in exp: fail('docs', f'id {i} twice or not expected'); continue
    docs[i] = 1
    if name != exp[i][0] or url != f'{a.base}{i}': fail('docs', f'id {i}: {name!r} {url!r}')
for i in sorted(set(exp) - set(docs))[:5]: fail('docs', f'id {i} missing')
tags = {pid: vals for pid, vals in q(f'SELECT pid, json_group_array(value) FROM (SELECT pid, value FROM {child("docs__tags")} ORDER BY pid, _idx) GROUP BY pid')}
for i, e in exp.items():
    if json.loads(tags.get(i, '[]')) != e[1]: fail('tags', f'id {i}: {tags.get(i)} want {e[1]}')
items = {r[0]: r[1:] for r in q(f'SELECT pid, count(*), min(_idx), max(_idx), sum(value), sum(flag), sum(k = _idx) FROM {child("docs__items")} GROUP BY pid')}
for i, (_, _, k, total, flags) in exp.items():
    got = items.get(i)
    if got != (k, 0, k - 1, total, flags, k): fail('items', f'id {i}: count, min/max position, sum(value), flags, k=position {got} want {(k, 0, k - 1, total, flags, k)}')

spots = sorted({1 + (j * (n - 1)) // max(a.spot - 1, 1) for j in range(a.spot)}) if a.spot else []
for i in spots:
    doc = json.load(urllib.request.urlopen(f'{a.base}{i}', timeout=30))
    got_tags = [v for v, in q(f'SELECT value FROM {child("docs__tags")} WHERE pid = ? ORDER BY _idx', i)]
    if got_tags != doc['tags']: fail('spot', f'id {i} tags {got_tags} want {doc["tags"]}')
    rows = q(f'SELECT _idx, k, name, value, flag, unit, tags FROM {child("docs__items")} WHERE pid = ? ORDER BY _idx', i)
    wanted = [(j, e['k'], e['name'], e['value'], int(e['flag']), e['unit'], json.dumps(e['tags'], separators=(',', ':')))
              for j, e in enumerate(doc['items'])]
    if rows != wanted:
        diff = next((j for j, (x, y) in enumerate(zip(rows, wanted)) if x != y), min(len(rows), len(wanted)))
        fail('spot', f'id {i}: {len(rows)} item rows, want {len(wanted)}; first difference at {diff}: '
                     f'{rows[diff] if diff < len(rows) else None} want {wanted[diff] if diff < len(wanted) else None}')

nbad = sum(map(len, bad.values()))
print(f'docs {counts["docs"]}, docs__tags {counts["docs__tags"]}, docs__items {counts["docs__items"]} rows '
      f'(want {want["docs"]}, {want["docs__tags"]}, {want["docs__items"]}); per document: tags in order, items '
      f'(count, positions, sum, flags, k); {len(spots)} documents value by value: '
      + ('all as the server says' if nbad == 0 else f'{nbad} NOT as expected'))
for kind, ex in bad.items():
    for e in ex[:5]: print(f'  {kind}: {e}')
sys.exit(0 if nbad == 0 else 1)

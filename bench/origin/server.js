#!/usr/bin/env node
// A neutral HTTP origin for bench/neutral.sh: not Sluice's own test Origin, Node's built-in http module
// only (no npm). Listens on 127.0.0.1 only. Usage: node server.js [--port N] (0 = a free port); prints
// "neutral origin listening on http://127.0.0.1:PORT" once ready.
//
//   GET /lat/<tag>/<id>?ms=100   waits ms, then a small JSON document (~200 bytes) for id
//   GET /big/<tag>/<id>          a ~200 KB JSON document (BIG_ITEMS items with a numeric `value`),
//                                deterministic per id, served from BIG_VARIANTS pre-built buffers
//   GET /fault/<tag>/<id>        the fault plan of id (see PLAN): attempts are counted per <tag>/<id>, so
//                                each run uses its own tag and starts from attempt 1
//   GET /expected/<kind>?n=N&retries=R   kind lat|big|fault: one line per id 1..N, tab-separated:
//        id plan status error http attempts sha256 n sum   ('-' where not checked): what a correct client
//        stores for that URL with R retries (and a jq projection, for `process`); n and sum: what the
//        workload's projection finds (.tags|length of a small document; .items|length and the sum of
//        .items[].value of a big one)
//   GET /stats                   JSON: requests by route and by fault action, hung requests now open,
//                                open connections
// <tag> is any path segment; it does not change the body (so bodies and hashes match across runs).
'use strict';
const http = require('http');
const crypto = require('crypto');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const PORT = Number(opt('--port', '0'));
const BIG_ITEMS = Number(opt('--big-items', '2400'));
const BIG_VARIANTS = Number(opt('--big-variants', '64'));
const HUGE = 50 * 1024 * 1024; // the too_large body: 50 MiB

// --- documents ------------------------------------------------------------------------------------
function smallItems(id) { const n = 3 + (id % 5), a = []; for (let i = 0; i < n; i++) a.push((id * 31 + i * 7) % 1000); return a; }
function smallDoc(id) {
  return Buffer.from(JSON.stringify({ id, name: `item-${id}`, kind: 'neutral-bench', active: id % 2 === 0,
    score: (id * 7919) % 10007, note: 'a small JSON document from the neutral origin', tags: ['alpha', 'beta', 'gamma'], items: smallItems(id) }) + '\n');
}
const bigParts = [], bigSums = [];
for (let v = 0; v < BIG_VARIANTS; v++) {
  const items = []; let sum = 0;
  for (let k = 0; k < BIG_ITEMS; k++) {
    const value = (v * 7919 + k * 104729) % 100000;
    sum += value;
    items.push({ k, name: `item-${String(k).padStart(5, '0')}`, value, flag: (k + v) % 3 === 0, unit: 'kg', tags: ['x', 'y'] });
  }
  bigParts.push(Buffer.from(JSON.stringify(items)));
  bigSums.push(sum);
}
function bigDoc(id) {
  return Buffer.concat([Buffer.from(`{"id":${id},"name":"big-${id}","items":`), bigParts[id % BIG_VARIANTS], Buffer.from('}\n')]);
}
const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// --- the fault plan -------------------------------------------------------------------------------
// [name, per-mille share, failing attempts (k: 1-3, or Infinity), then]. Deterministic by id.
const PLAN = [
  ['ok', 610], ['slow-ok', 10],             // answers at once / after 1.5 s (within a 2 s timeout)
  ['503-then-ok', 50], ['500-then-ok', 40], ['429-then-ok', 30], // 503 and 429 with Retry-After: 1
  ['reset-then-ok', 40], ['hang-then-ok', 20], ['truncate-then-ok', 30],
  ['404', 40], ['410', 20], ['malformed', 30], ['too-large', 20], ['redirect-loop', 20],
  ['500-always', 20], ['hang-always', 10], ['reset-always', 10], ['truncate-always', 10],
];
const PLAN_TOTAL = PLAN.reduce((s, p) => s + p[1], 0);
function planOf(id) {
  const h = Math.imul(id ^ 0x5bd1e995, 2654435761) >>> 0;
  let r = h % PLAN_TOTAL;
  for (const [name, share] of PLAN) {
    if (r < share) {
      let k = 0;
      if (name.endsWith('-then-ok')) k = name.startsWith('hang') ? 1 + ((h >>> 16) % 2) : 1 + ((h >>> 16) % 3);
      else if (name.endsWith('-always')) k = Infinity;
      return { name, k };
    }
    r -= share;
  }
  throw new Error('unreachable');
}
// What a correct client stores: [status, error, http, attempts] ('-' = not checked).
function expectedOf(id, retries) {
  const { name, k } = planOf(id);
  const tries = retries + 1;
  if (name === 'ok' || name === 'slow-ok') return ['ok', '-', 200, 1];
  if (name.endsWith('-then-ok')) {
    if (k < tries) return ['ok', '-', 200, k + 1];
    const fail = name.split('-')[0]; // more failures than tries: it fails as the -always kind would
    return failedAs(fail, tries);
  }
  switch (name) {
    case '404': return ['failed', 'http', 404, 1];
    case '410': return ['failed', 'http', 410, 1];
    case 'malformed': return ['failed', 'process', 200, 1];
    case 'too-large': return ['failed', 'too_large', '-', 1];
    case 'redirect-loop': return ['failed', 'redirects', '-', 1];
    default: return failedAs(name.split('-')[0], tries);
  }
}
function failedAs(fail, tries) {
  switch (fail) {
    case '503': return ['failed', 'http', 503, tries];
    case '500': return ['failed', 'http', 500, tries];
    case '429': return ['failed', 'http', 429, tries];
    case 'hang': return ['failed', 'timeout', '-', tries];
    default: return ['failed', 'io', '-', tries]; // reset, truncate
  }
}

// --- server ---------------------------------------------------------------------------------------
const stats = { requests: 0, byRoute: {}, byAction: {}, hangingNow: 0, hangsStarted: 0, hangsClosed: 0, openConnections: 0 };
const attempts = new Map(); // "<tag>/<id>" -> attempts seen
const hanging = new Set();
const count = (o, key) => { o[key] = (o[key] || 0) + 1; };

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers });
  res.end(body);
}
function hang(res) {
  stats.hangingNow++; stats.hangsStarted++;
  hanging.add(res);
  res.on('close', () => { if (hanging.delete(res)) { stats.hangingNow--; stats.hangsClosed++; } }); // the client gave up
}
function reset(req) { req.socket.resetAndDestroy(); } // RST, not FIN
function truncate(res, body) {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.write(body.subarray(0, body.length >> 1), () => res.socket && res.socket.destroy());
}
function huge(res, withLength) {
  res.writeHead(200, withLength ? { 'Content-Type': 'application/json', 'Content-Length': HUGE } : { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0, closed = false;
  res.on('close', () => { closed = true; });
  const pump = () => {
    while (!closed && sent < HUGE) {
      sent += chunk.length;
      if (!res.write(chunk)) { res.once('drain', pump); return; }
    }
    if (!closed) res.end();
  };
  pump();
}

function fault(req, res, tag, id) {
  const key = `${tag}/${id}`;
  const attempt = (attempts.get(key) || 0) + 1;
  attempts.set(key, attempt);
  const { name, k } = planOf(id);
  const failing = attempt <= k;
  const action = failing ? name.replace(/-(then-ok|always)$/, '') : name === 'slow-ok' ? 'slow-ok' : name.endsWith('-then-ok') ? 'ok-after-faults' : name;
  count(stats.byAction, action);
  switch (action) {
    case 'ok': case 'ok-after-faults': return send(res, 200, smallDoc(id));
    case 'slow-ok': return void setTimeout(() => send(res, 200, smallDoc(id)), 1500);
    case '503': return send(res, 503, Buffer.from('{"error":"unavailable"}\n'), { 'Retry-After': '1' });
    case '429': return send(res, 429, Buffer.from('{"error":"too many requests"}\n'), { 'Retry-After': '1' });
    case '500': return send(res, 500, Buffer.from('{"error":"internal"}\n'));
    case 'reset': return reset(req);
    case 'hang': return hang(res);
    case 'truncate': return truncate(res, smallDoc(id));
    case '404': return send(res, 404, Buffer.from('{"error":"not found"}\n'));
    case '410': return send(res, 410, Buffer.from('{"error":"gone"}\n'));
    case 'malformed': return send(res, 200, Buffer.from(`{"id":${id},"name":"item-${id}","items":[1,2,`));
    case 'too-large': return huge(res, id % 2 === 0); // even ids announce it in Content-Length, odd ones are chunked
    case 'redirect-loop': return send(res, 302, Buffer.alloc(0), { Location: `/loop/${tag}/${id}/a` });
    default: return send(res, 500, Buffer.from(`{"error":"unknown action ${action}"}\n`));
  }
}

function expected(res, kind, n, retries) {
  const lines = [];
  for (let id = 1; id <= n; id++) {
    let e, doc, sum = '-';
    if (kind === 'fault') { e = expectedOf(id, retries); doc = smallDoc(id); }
    else if (kind === 'big') { e = ['ok', '-', 200, 1]; doc = bigDoc(id); sum = bigSums[id % BIG_VARIANTS]; }
    else { e = ['ok', '-', 200, 1]; doc = smallDoc(id); }
    const ok = e[0] === 'ok';
    const items = kind === 'big' ? BIG_ITEMS : 3; // what the workload's jq counts: .items of a big document, .tags of a small one
    lines.push([id, kind === 'fault' ? planOf(id).name : kind, ...e, ok ? sha(doc) : '-', ok ? items : '-', ok ? sum : '-'].join('\t'));
  }
  send(res, 200, Buffer.from(lines.join('\n') + '\n'), { 'Content-Type': 'text/tab-separated-values' });
}

const server = http.createServer((req, res) => {
  stats.requests++;
  const url = new URL(req.url, 'http://x');
  const parts = url.pathname.split('/').filter(Boolean); // [route, tag, id, ...]
  const route = parts[0] || '';
  count(stats.byRoute, route);
  const id = Number(parts[2]);
  if (route === 'lat' && Number.isInteger(id)) {
    const timer = setTimeout(() => send(res, 200, smallDoc(id)), Number(url.searchParams.get('ms') || 100));
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (route === 'big' && Number.isInteger(id)) return send(res, 200, bigDoc(id));
  if (route === 'fault' && Number.isInteger(id)) return fault(req, res, parts[1], id);
  if (route === 'loop' && Number.isInteger(id)) // a -> b -> a -> ...
    return send(res, 302, Buffer.alloc(0), { Location: `/loop/${parts[1]}/${id}/${parts[3] === 'a' ? 'b' : 'a'}` });
  if (route === 'expected' && ['lat', 'big', 'fault'].includes(parts[1]))
    return expected(res, parts[1], Number(url.searchParams.get('n') || 1000), Number(url.searchParams.get('retries') || 3));
  if (route === 'stats') return send(res, 200, Buffer.from(JSON.stringify(stats) + '\n'));
  send(res, 404, Buffer.from('{"error":"no such route"}\n'));
});
server.keepAliveTimeout = 65000;  // longer than any run's idle gap: no keep-alive race in the middle of a run
server.headersTimeout = 66000;
server.requestTimeout = 0;        // hung requests last until the client gives up
server.maxRequestsPerSocket = 0;
server.on('connection', (socket) => { stats.openConnections++; socket.on('close', () => stats.openConnections--); });
server.listen(PORT, '127.0.0.1', 4096, () => {
  console.log(`neutral origin listening on http://127.0.0.1:${server.address().port} (node ${process.version}, ${BIG_VARIANTS} big documents of ${bigParts[0].length} bytes)`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

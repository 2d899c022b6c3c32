#!/usr/bin/env node
// A neutral HTTP origin for bench/neutral.sh: not Sluice's own test Origin, Node's built-in http module
// only (no npm). Listens on 127.0.0.1 only. Usage: node server.js [--port N] (0 = a free port); prints
// "neutral origin listening on http://127.0.0.1:PORT (...)" once ready. Options: --big-items, --big-variants,
// --site-pages, --site-ms, --site-seed (the generated site, below).
//
//   GET /lat/<tag>/<id>?ms=100   waits ms, then a small JSON document (~200 bytes) for id
//   GET /big/<tag>/<id>          a ~200 KB JSON document {id, name, tags: [1-5 strings], items: [BIG_ITEMS
//                                objects with a numeric `value`]}, deterministic per id, the items served
//                                from BIG_VARIANTS pre-built buffers
//   GET /fault/<tag>/<id>        the fault plan of id (see PLAN): attempts are counted per <tag>/<id>, so
//                                each run uses its own tag and starts from attempt 1
//   GET /expected/<kind>?n=N&retries=R   kind lat|big|fault: one line per id 1..N, tab-separated:
//        id plan status error http attempts sha256 n sum   ('-' where not checked): what a correct client
//        stores for that URL with R retries (and a jq projection, for `process`); n and sum: what the
//        workload's projection finds (.tags|length of a small document; .items|length and the sum of
//        .items[].value of a big one)
//   GET /expected/big-tables?n=N one line per id 1..N: id name tags(comma-joined) items sum flags: what
//        a big document holds (items: .items|length, sum of .items[].value, flags: items with flag true)
//   GET /stats                   JSON: requests by route and by fault action, hung requests now open,
//                                open connections; per site tag and per API tag: requests, distinct
//                                pages, pages requested more than once
//   GET /site/<tag>/             the root of a generated site of --site-pages pages (default 100000),
//   GET /site/<tag>/page/<i>     and its page i (1 <= i < pages), HTML, each after --site-ms ms (default 20).
//        Every page has 10-30 <a href>: to itself by fragment (#top), to the root, to its parent and its
//        children in a spanning tree of branching 4, to pages nearby and anywhere (some with a fragment,
//        #sec-N), in the usual forms (12, ./12, ../page/12, /site/<tag>/page/12, http://HOST/..., //HOST/...),
//        and out of the site: http://offsite.example.invalid/..., mailto:, javascript:. Each page has a
//        <p class="price"> ($0.50-$3,000.49, "$1,234.56", from the page number). No link leaves
//        /site/<tag>/ on this host. About 1 page in 25 is linked from nowhere, so a crawl from the root
//        finds the `reachable` pages of /site-info, not all of them. Generated from --site-seed (default
//        7): the same pages on every start. Not Sluice's Java site (dev.sluice.origin.Site): a similar one.
//   GET /site-info               JSON {pages, seed, ms, reachable, unreachable, depths: {depth: pages}}
//   GET /api/cursor/<tag>/<chain>?pages=100&per=10&ms=50[&cursor=TOKEN]   a cursor-paginated API: after
//        ms, {"items":[{"chain","page","pos","n"}...], "next_cursor": TOKEN|null}; no cursor = page 1;
//        pages past the last one have no items; a cursor of another chain or a made-up one is a 400
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
const SITE_PAGES = Number(opt('--site-pages', '100000'));
const SITE_MS = Number(opt('--site-ms', '20'));
const SITE_SEED = Number(opt('--site-seed', '7'));

// --- documents ------------------------------------------------------------------------------------
function smallItems(id) { const n = 3 + (id % 5), a = []; for (let i = 0; i < n; i++) a.push((id * 31 + i * 7) % 1000); return a; }
function smallDoc(id) {
  return Buffer.from(JSON.stringify({ id, name: `item-${id}`, kind: 'neutral-bench', active: id % 2 === 0,
    score: (id * 7919) % 10007, note: 'a small JSON document from the neutral origin', tags: ['alpha', 'beta', 'gamma'], items: smallItems(id) }) + '\n');
}
const bigParts = [], bigSums = [], bigFlags = [];
for (let v = 0; v < BIG_VARIANTS; v++) {
  const items = []; let sum = 0, flags = 0;
  for (let k = 0; k < BIG_ITEMS; k++) {
    const value = (v * 7919 + k * 104729) % 100000;
    sum += value; flags += (k + v) % 3 === 0 ? 1 : 0;
    items.push({ k, name: `item-${String(k).padStart(5, '0')}`, value, flag: (k + v) % 3 === 0, unit: 'kg', tags: ['x', 'y'] });
  }
  bigParts.push(Buffer.from(JSON.stringify(items)));
  bigSums.push(sum); bigFlags.push(flags);
}
function bigTags(id) { const a = []; for (let j = 0; j < 1 + (id % 5); j++) a.push(`t${(id * 13 + j * 7) % 50}`); return a; } // 1-5 per id
function bigDoc(id) {
  return Buffer.concat([Buffer.from(`{"id":${id},"name":"big-${id}","tags":${JSON.stringify(bigTags(id))},"items":`), bigParts[id % BIG_VARIANTS], Buffer.from('}\n')]);
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
// /expected/big-tables?n=N: what a JSON-to-tables load of /big/<tag>/<id> holds per id, tab-separated:
// id name tags (comma-joined, in order) items sum(items[].value) count(items[].flag true)
function expectedBigTables(res, n) {
  const lines = [];
  for (let id = 1; id <= n; id++) lines.push([id, `big-${id}`, bigTags(id).join(','), BIG_ITEMS, bigSums[id % BIG_VARIANTS], bigFlags[id % BIG_VARIANTS]].join('\t'));
  send(res, 200, Buffer.from(lines.join('\n') + '\n'), { 'Content-Type': 'text/tab-separated-values' });
}

// --- the generated site --------------------------------------------------------------------------
// rand(page, purpose): a small deterministic generator (mulberry32) per page and purpose.
function rand(page, purpose) {
  let a = (Math.imul(SITE_SEED + 1, 0x9e3779b1) ^ Math.imul(page + 1, 0x85ebca6b) ^ Math.imul(purpose, 0xc2b2ae35)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo)); // [lo, hi)
  return next;
}
const BRANCHING = 4, NEARBY = 40, UNLINKED_ONE_IN = 25;
const slot = new Int32Array(SITE_PAGES); // index among the linked pages (the spanning tree's nodes), -1: linked from nowhere
let linkedCount = 0;
for (let i = 0; i < SITE_PAGES; i++) slot[i] = i > 0 && rand(i, 1).int(0, UNLINKED_ONE_IN) === 0 ? -1 : linkedCount++;
const linked = new Int32Array(linkedCount);
for (let i = 0; i < SITE_PAGES; i++) if (slot[i] >= 0) linked[slot[i]] = i;
const linkable = (i) => { let p = Math.min(Math.max(i, 0), SITE_PAGES - 1); while (slot[p] < 0) p--; return p; };
const IN_FORMS = ['rel', 'rel', 'dot', 'parent', 'path', 'abs', 'scheme'];
const OUT_FORMS = ['offsite', 'offsite', 'mailto', 'javascript'];
// siteLinks(page): [form, target, fragment] in the order of the page's body; target -1 for links out of the site.
function siteLinks(page) {
  const r = rand(page, 2), count = r.int(10, 31), links = [['frag', page, 'top']];
  const inSite = (t, frag) => [IN_FORMS[r.int(0, IN_FORMS.length)], t, frag];
  if (page !== 0) links.push(inSite(0, null));
  const k = slot[page];
  if (k > 0) links.push(inSite(linked[Math.floor((k - 1) / BRANCHING)], null));
  if (k >= 0) for (let c = BRANCHING * k + 1; c <= BRANCHING * k + BRANCHING && c < linkedCount; c++) links.push(inSite(linked[c], null));
  while (links.length < count) {
    const pick = r.int(0, 100);
    if (pick < 35) links.push(inSite(linkable(page + r.int(-NEARBY, NEARBY + 1)), null));
    else if (pick < 50) links.push(inSite(linkable(r.int(0, SITE_PAGES)), null));
    else if (pick < 60) links.push(inSite(page, r() < 0.5 ? null : `sec-${r.int(1, 4)}`));
    else if (pick < 75) links.push([OUT_FORMS[r.int(0, OUT_FORMS.length)], -1, null]);
    else links.push(inSite(linkable(page + r.int(-NEARBY, NEARBY + 1)), `sec-${r.int(1, 4)}`));
  }
  for (let i = links.length - 1; i > 1; i--) { const j = 1 + r.int(0, i); [links[i], links[j]] = [links[j], links[i]]; } // the #top link stays first
  return links;
}
function siteHref(from, [form, to, frag], host, base) {
  const page = to === 0 ? '' : `page/${to}`;
  let h;
  switch (form) {
    case 'frag': h = ''; break;
    case 'rel': h = from === 0 ? (to === 0 ? './' : page) : (to === 0 ? '../' : String(to)); break;
    case 'dot': h = from === 0 ? `./${page}` : (to === 0 ? './../' : `./${to}`); break;
    case 'parent': h = from === 0 ? `./${page}` : `../${page}`; break;
    case 'path': h = base + page; break;
    case 'abs': h = `http://${host}${base}${page}`; break;
    case 'scheme': h = `//${host}${base}${page}`; break;
    case 'offsite': h = `http://offsite.example.invalid${base}page/${from}`; break;
    case 'mailto': h = `mailto:webmaster@offsite.example.invalid?subject=page%20${from}`; break;
    default: h = 'javascript:void(0)';
  }
  return frag ? `${h}#${frag}` : h;
}
const WORDS = ('sluice gate water channel flow river weir lock basin canal meadow stone mill wheel current level bank reed heron ' +
  'willow bridge harbour tide dam spillway culvert ditch keeper morning evening season harvest field village road market ledger ' +
  'the a of and to in on with from by over under near after before while quietly slowly').split(' ');
const PARAGRAPHS = [];
for (let p = 0, r = rand(0, 99); p < 64; p++) {
  const words = []; for (let w = r.int(40, 80); w > 0; w--) words.push(WORDS[r.int(0, WORDS.length)]);
  PARAGRAPHS.push(words.join(' '));
}
// sitePrice(page): the page's price as a shop writes it, from its number only: $0.50 to $3,000.49 ("$1,234.56")
function sitePrice(page) {
  const cents = (page * 7919 + 1234) % 300000 + 50, dollars = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${dollars}.${String(cents % 100).padStart(2, '0')}`;
}
function siteHtml(page, host, tag) {
  const base = `/site/${tag}/`, r = rand(page, 3), title = page === 0 ? 'Home' : `Page ${page}`;
  const out = [`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title} - neutral site</title>\n`,
    '<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n<a id="top"></a>\n', `<h1>${title}</h1>\n<p class="price">${sitePrice(page)}</p>\n<nav>\n<ul>\n`];
  for (const link of siteLinks(page)) {
    const label = link[1] < 0 ? 'Elsewhere' : link[1] === 0 ? 'Home' : `Page ${link[1]}`;
    out.push(`<li><a href="${siteHref(page, link, host, base)}">${label}</a></li>\n`);
  }
  out.push('</ul>\n</nav>\n<article>\n');
  const paragraphs = r.int(0, 10) === 0 ? r.int(12, 22) : r.int(1, 4);
  for (let p = 1; p <= paragraphs; p++) out.push(`<h2 id="sec-${p}">Section ${p}</h2>\n<p>${PARAGRAPHS[r.int(0, PARAGRAPHS.length)]}.</p>\n`);
  out.push(`</article>\n<footer><p>Generated page ${page} of ${SITE_PAGES}.</p></footer>\n</body>\n</html>\n`);
  return Buffer.from(out.join(''));
}
// What a crawl from the root finds: breadth-first over the links into the site.
let siteInfoCache = null; // computed on the first GET /site-info (a second or two for 100,000 pages)
const siteInfo = () => siteInfoCache || (siteInfoCache = (() => {
  const depth = new Int32Array(SITE_PAGES).fill(-1), queue = new Int32Array(SITE_PAGES), depths = {};
  let head = 0, tail = 0;
  depth[0] = 0; queue[tail++] = 0;
  while (head < tail) {
    const p = queue[head++];
    depths[depth[p]] = (depths[depth[p]] || 0) + 1;
    for (const [, t] of siteLinks(p)) if (t >= 0 && depth[t] < 0) { depth[t] = depth[p] + 1; queue[tail++] = t; }
  }
  return { pages: SITE_PAGES, seed: SITE_SEED, ms: SITE_MS, reachable: tail, unreachable: SITE_PAGES - tail, depths };
})());
const siteSeen = new Map(); // tag -> { requests, counts: Uint8Array (saturating) }
function site(req, res, parts, url) {
  const tag = parts[1];
  let page = -1;
  if (parts.length === 2 && url.pathname.endsWith('/')) page = 0;
  else if (parts.length === 4 && parts[2] === 'page' && /^[1-9][0-9]*$/.test(parts[3]) && Number(parts[3]) < SITE_PAGES) page = Number(parts[3]);
  if (!tag || page < 0) return send(res, 404, Buffer.from('{"error":"no such page"}\n'));
  let seen = siteSeen.get(tag);
  if (!seen) siteSeen.set(tag, seen = { requests: 0, counts: new Uint8Array(SITE_PAGES) });
  seen.requests++;
  if (seen.counts[page] < 255) seen.counts[page]++;
  const timer = setTimeout(() => send(res, 200, siteHtml(page, req.headers.host || '127.0.0.1', tag), { 'Content-Type': 'text/html; charset=utf-8' }), SITE_MS);
  res.on('close', () => clearTimeout(timer));
}

// --- the cursor-paginated API ---------------------------------------------------------------------
const apiSeen = new Map(); // tag -> { requests, pages: Map("chain/page" -> requests) }
const cursorOf = (chain, page) => Buffer.from(`${chain}:${page}`).toString('base64url');
function cursorApi(req, res, parts, url) {
  const [, , tag, chain] = parts;
  const q = (name, dflt) => Number(url.searchParams.get(name) || dflt);
  const pages = q('pages', 100), per = q('per', 10), ms = q('ms', 50);
  if (!tag || !chain || parts.length !== 4 || ![pages, per, ms].every(Number.isInteger) || pages < 1 || per < 1 || per > 1000)
    return send(res, 400, Buffer.from('{"error":"usage: /api/cursor/<tag>/<chain>?pages=P&per=K&ms=MS[&cursor=TOKEN]"}\n'));
  let page = 1;
  const cursor = url.searchParams.get('cursor');
  if (cursor !== null) {
    const m = /^(.*):([1-9][0-9]*)$/.exec(Buffer.from(cursor, 'base64url').toString());
    if (!m || m[1] !== chain) return send(res, 400, Buffer.from('{"error":"not a cursor of this chain"}\n'));
    page = Number(m[2]);
  }
  let seen = apiSeen.get(tag);
  if (!seen) apiSeen.set(tag, seen = { requests: 0, pages: new Map() });
  seen.requests++;
  seen.pages.set(`${chain}/${page}`, (seen.pages.get(`${chain}/${page}`) || 0) + 1);
  const items = [];
  for (let n = (page - 1) * per; n < Math.min(page, pages) * per; n++) items.push({ chain, page, pos: n % per, n });
  const body = Buffer.from(JSON.stringify({ items, next_cursor: page < pages ? cursorOf(chain, page + 1) : null }) + '\n');
  const timer = setTimeout(() => send(res, 200, body), ms);
  res.on('close', () => clearTimeout(timer));
}
function tagStats() {
  const out = { site: {}, api: {} };
  for (const [tag, s] of siteSeen) {
    let distinct = 0, repeated = 0;
    for (const c of s.counts) { if (c > 0) distinct++; if (c > 1) repeated++; }
    out.site[tag] = { requests: s.requests, distinct, repeated };
  }
  for (const [tag, s] of apiSeen) {
    let repeated = 0;
    for (const c of s.pages.values()) if (c > 1) repeated++;
    out.api[tag] = { requests: s.requests, distinct: s.pages.size, repeated };
  }
  return out;
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
  if (route === 'expected' && parts[1] === 'big-tables') return expectedBigTables(res, Number(url.searchParams.get('n') || 1000));
  if (route === 'expected' && ['lat', 'big', 'fault'].includes(parts[1]))
    return expected(res, parts[1], Number(url.searchParams.get('n') || 1000), Number(url.searchParams.get('retries') || 3));
  if (route === 'site') return site(req, res, parts, url);
  if (route === 'site-info') return send(res, 200, Buffer.from(JSON.stringify(siteInfo()) + '\n'));
  if (route === 'api' && parts[1] === 'cursor') return cursorApi(req, res, parts, url);
  if (route === 'stats') return send(res, 200, Buffer.from(JSON.stringify({ ...stats, ...tagStats() }) + '\n'));
  send(res, 404, Buffer.from('{"error":"no such route"}\n'));
});
server.keepAliveTimeout = 65000;  // longer than any run's idle gap: no keep-alive race in the middle of a run
server.headersTimeout = 66000;
server.requestTimeout = 0;        // hung requests last until the client gives up
server.maxRequestsPerSocket = 0;
server.on('connection', (socket) => { stats.openConnections++; socket.on('close', () => stats.openConnections--); });
server.listen(PORT, '127.0.0.1', 4096, () => {
  console.log(`neutral origin listening on http://127.0.0.1:${server.address().port} (node ${process.version}, ${BIG_VARIANTS} big documents of ${bigParts[0].length} bytes; ` +
    `site of ${SITE_PAGES} pages, ${SITE_MS} ms)`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

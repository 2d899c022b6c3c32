-- Issue 11: requests, not just URLs. Every table is keyed by the request: its canonical URL and its identity
-- (column request: a hash of its method, canonical URL and body; see the README), the URL first so that URLs
-- written in order are stored in order (a hash alone scatters every insert over the whole index: six times the
-- writing, measured). The queue keeps what to send: method, headers, body. The rows of a file that knew only
-- URLs are GETs without a body: their canonical URLs and identities were computed by Sluice into the temporary
-- table request_ids (url -> canonical, request) before this script runs. Two spellings of one request (say
-- http://Host/ and http://host/) become one row: the first one's. SQLite cannot change a primary key in place,
-- so the tables are rebuilt.
CREATE TABLE results_v4 (
    request       TEXT    NOT NULL,                 -- the request's identity, 32 hex digits
    method        TEXT    NOT NULL DEFAULT 'GET',
    url           TEXT    NOT NULL,                 -- canonical, its password masked; discovered ones normalized
    status        TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
    http_status   INTEGER,
    attempts      INTEGER NOT NULL,
    error         TEXT CHECK (error IN ('invalid_url', 'timeout', 'connect', 'io', 'http', 'too_large', 'redirects',
                                        'process', 'host_down', 'robots')),
    detail        TEXT,
    bytes         INTEGER,
    content_type  TEXT,
    sha256        TEXT,
    elapsed_ms    INTEGER NOT NULL,
    fetched_at    TEXT    NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    unchanged     INTEGER NOT NULL DEFAULT 0 CHECK (unchanged IN (0, 1)),
    PRIMARY KEY (url, request)
);
INSERT OR IGNORE INTO results_v4 (request, url, status, http_status, attempts, error, detail, bytes, content_type, sha256,
                                  elapsed_ms, fetched_at, etag, last_modified, unchanged)
SELECT i.request, i.canonical, r.status, r.http_status, r.attempts, r.error, r.detail, r.bytes, r.content_type, r.sha256,
       r.elapsed_ms, r.fetched_at, r.etag, r.last_modified, r.unchanged
FROM results r JOIN request_ids i ON i.url = r.url ORDER BY i.canonical, r.url;
DROP TABLE results;
ALTER TABLE results_v4 RENAME TO results;

CREATE TABLE records_v4 (
    url     TEXT    NOT NULL, -- the request's
    request TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (url, request, seq)
);
INSERT OR IGNORE INTO records_v4 (url, request, seq, data)
SELECT i.canonical, i.request, d.seq, d.data FROM records d JOIN request_ids i ON i.url = d.url ORDER BY i.canonical, d.url, d.seq;
DROP TABLE records;
ALTER TABLE records_v4 RENAME TO records;

CREATE TABLE bodies_v4 (
    url     TEXT NOT NULL,
    request TEXT NOT NULL,
    body    BLOB NOT NULL,
    PRIMARY KEY (url, request)
);
INSERT OR IGNORE INTO bodies_v4 (url, request, body)
SELECT i.canonical, i.request, b.body FROM bodies b JOIN request_ids i ON i.url = b.url ORDER BY i.canonical, b.url;
DROP TABLE bodies;
ALTER TABLE bodies_v4 RENAME TO bodies;

CREATE TABLE queue_v4 (
    id          INTEGER PRIMARY KEY,             -- claim order: first in, first out
    request     TEXT    NOT NULL,                -- the request's identity, as results.request
    method      TEXT    NOT NULL DEFAULT 'GET',
    url         TEXT    NOT NULL,                -- as results.url
    headers     TEXT,                            -- the request's own headers, a JSON object; null when none
    body        BLOB,                            -- null when none
    state       TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    parent      TEXT,                            -- the request that discovered it; null for input
    depth       INTEGER NOT NULL DEFAULT 0,
    rule        TEXT    NOT NULL DEFAULT 'input' CHECK (rule IN ('input', 'paginate', 'follow', 'link')),
    page        INTEGER NOT NULL DEFAULT 1,
    enqueued_at TEXT    NOT NULL,
    finished_at TEXT,
    UNIQUE (url, request)                        -- the one de-duplication: one row per request
);
INSERT OR IGNORE INTO queue_v4 (id, request, url, state, parent, depth, rule, page, enqueued_at, finished_at)
SELECT q.id, i.request, i.canonical, q.state, p.request, q.depth, q.rule, q.page, q.enqueued_at, q.finished_at
FROM queue q JOIN request_ids i ON i.url = q.url LEFT JOIN request_ids p ON p.url = q.parent ORDER BY q.id;
DROP TABLE queue;
ALTER TABLE queue_v4 RENAME TO queue;
CREATE INDEX queue_queued ON queue (id) WHERE state = 'queued';

DROP TABLE request_ids;

-- Issue 11: the frontier. One row per URL a run has loaded from its input or discovered in a response, in
-- claim order; a URL is worked when it is 'queued' and leaves that state in the transaction that stores its
-- result (and inserts what its response discovered). Lineage: the request that discovered it, how deep, by
-- which rule, its place in a pagination chain. A public interface, documented in the README.
CREATE TABLE queue (
    id          INTEGER PRIMARY KEY,             -- claim order: first in, first out
    url         TEXT    NOT NULL UNIQUE,         -- as results.url
    state       TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    parent      TEXT,                            -- the url of the request that discovered it; null for input
    depth       INTEGER NOT NULL DEFAULT 0,      -- 0 for input, the parent's + 1
    rule        TEXT    NOT NULL DEFAULT 'input' CHECK (rule IN ('input', 'paginate', 'follow', 'link')),
    page        INTEGER NOT NULL DEFAULT 1,      -- place in its pagination chain: the parent's + 1 by 'paginate'
    enqueued_at TEXT    NOT NULL,                -- UTC, ISO-8601 with milliseconds
    finished_at TEXT
);
CREATE INDEX queue_queued ON queue (id) WHERE state = 'queued';

-- Every URL stored before the frontier existed is finished in it: a re-run skips it as before.
INSERT INTO queue (url, state, enqueued_at, finished_at)
SELECT url, CASE status WHEN 'ok' THEN 'done' ELSE 'failed' END, fetched_at, fetched_at FROM results ORDER BY url;

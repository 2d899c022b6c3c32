-- Issue 3: two new error codes (host_down, robots), the validators a refetch sends back (etag,
-- last_modified), and whether the last fetch found the stored data unchanged (304 Not Modified).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE results_v2 (
    url           TEXT    NOT NULL PRIMARY KEY,
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
    fetched_at    TEXT    NOT NULL, -- UTC, ISO-8601 with milliseconds: 2026-11-24T03:34:00.123Z
    etag          TEXT,             -- the response's ETag, sent back as If-None-Match by --refetch
    last_modified TEXT,             -- the response's Last-Modified, sent back as If-Modified-Since
    unchanged     INTEGER NOT NULL DEFAULT 0 CHECK (unchanged IN (0, 1)) -- 1: the last fetch got 304, data is older
);

INSERT INTO results_v2 (url, status, http_status, attempts, error, detail, bytes, content_type, sha256, elapsed_ms, fetched_at)
SELECT url, status, http_status, attempts, error, detail, bytes, content_type, sha256, elapsed_ms, fetched_at FROM results;

DROP TABLE results;

ALTER TABLE results_v2 RENAME TO results;

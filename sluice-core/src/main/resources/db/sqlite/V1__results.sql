-- One row per URL: its final outcome. A public interface, documented in the README.
CREATE TABLE results (
    url          TEXT    NOT NULL PRIMARY KEY,
    status       TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
    http_status  INTEGER,
    attempts     INTEGER NOT NULL,
    error        TEXT CHECK (error IN ('invalid_url', 'timeout', 'connect', 'io', 'http', 'too_large', 'redirects', 'process')),
    detail       TEXT,
    bytes        INTEGER,
    content_type TEXT,
    sha256       TEXT,
    elapsed_ms   INTEGER NOT NULL,
    fetched_at   TEXT    NOT NULL -- UTC, ISO-8601 with milliseconds: 2026-11-24T03:34:00.123Z
);

-- What the processor (e.g. --jq) emitted for a URL: one row per value, in order.
CREATE TABLE records (
    url  TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    data TEXT    NOT NULL, -- JSON text
    PRIMARY KEY (url, seq)
);

-- Raw bodies, only with --store-body.
CREATE TABLE bodies (
    url  TEXT NOT NULL PRIMARY KEY,
    body BLOB NOT NULL
);

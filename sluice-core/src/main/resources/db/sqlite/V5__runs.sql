-- Issue 12: runs are recorded. One row per run of 'sluice run' (or of the library's Sluice.run) on this file: when it
-- started and ended, how it was started (the command line and the effective configuration, secrets masked), how
-- it ended and what it did (the run's summary). A public interface, documented in the README.
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,             -- results.run of the rows it stored
    worker          TEXT    NOT NULL,                -- host:pid:random of the process
    command         TEXT,                            -- the command line, secrets masked; null from the library
    config          TEXT    NOT NULL,                -- the effective configuration, a JSON object, secrets masked
    started_at      TEXT    NOT NULL,                -- UTC, ISO-8601 with milliseconds, as results.fetched_at
    seen_at         TEXT    NOT NULL,                -- its last commit (or its start)
    ended_at        TEXT,
    state           TEXT    NOT NULL DEFAULT 'running'
                    CHECK (state IN ('running', 'done', 'interrupted', 'fatal', 'lost')),
    message         TEXT,                            -- fatal: why
    ok              INTEGER,                         -- the summary, from here on: null until the run ends
    failed          INTEGER,
    unchanged       INTEGER,
    skipped         INTEGER,
    duplicates      INTEGER,
    cancelled       INTEGER,
    requests        INTEGER,
    retries         INTEGER,
    p50_ms          INTEGER,
    p95_ms          INTEGER,
    p99_ms          INTEGER,
    max_ms          INTEGER,
    urls_per_second REAL,
    failed_by_error TEXT,                            -- JSON object: error code -> count
    discovered      TEXT                             -- JSON object: rule -> requests its responses discovered
);

-- The run that stored each result; null for rows stored before runs were recorded.
ALTER TABLE results ADD COLUMN run INTEGER;

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

-- What a run's requests met, per host (the politeness key: the host name unless --host-key says otherwise), in
-- bounded form: one row per run and host, however many URLs; written as increments in the writer's transactions.
CREATE TABLE run_hosts (
    run           INTEGER NOT NULL,
    host          TEXT    NOT NULL,
    requests      INTEGER NOT NULL DEFAULT 0,        -- requests sent (attempts, robots.txt and liveness checks)
    retries       INTEGER NOT NULL DEFAULT 0,        -- of those, retries (run_retries says why)
    fetched       INTEGER NOT NULL DEFAULT 0,        -- URLs whose fetch succeeded (what processing made of them aside)
    failed        INTEGER NOT NULL DEFAULT 0,        -- URLs whose fetch failed for good (host_down and robots too)
    status_429    INTEGER NOT NULL DEFAULT 0,        -- answers 429 Too Many Requests
    status_503    INTEGER NOT NULL DEFAULT 0,        -- answers 503 Service Unavailable
    held_back_ms  INTEGER NOT NULL DEFAULT 0,        -- time the host was held back as a whole (its 429/503: back-off, Retry-After)
    breaker_opens INTEGER NOT NULL DEFAULT 0,        -- times its breaker opened (the host was down)
    latency_ms    INTEGER NOT NULL DEFAULT 0,        -- the sum of its URLs' latencies (first attempt to outcome)
    PRIMARY KEY (run, host)
);

-- The latencies of a run's URLs per host, as a histogram: URLs whose latency was at most le_ms (and above the
-- next bound down: 0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000); le_ms -1 above 60000.
CREATE TABLE run_latency (
    run   INTEGER NOT NULL,
    host  TEXT    NOT NULL,
    le_ms INTEGER NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (run, host, le_ms)
);

-- Why a run's requests were retried, per host: an error code (timeout, connect, io, robots) or http_<status>.
CREATE TABLE run_retries (
    run    INTEGER NOT NULL,
    host   TEXT    NOT NULL,
    reason TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (run, host, reason)
);

-- A run second by second: requests sent, retries, 429/503 answers, the most requests in flight seen, and under
-- --concurrency auto the concurrency it could use (the sum of its hosts' adaptive limits, at most -c; null under
-- fixed limits). One row per second in which anything was sent or committed.
CREATE TABLE run_seconds (
    run        INTEGER NOT NULL,
    at         TEXT    NOT NULL,                      -- the second, UTC: 2026-12-06T07:31:02Z
    requests   INTEGER NOT NULL DEFAULT 0,
    retries    INTEGER NOT NULL DEFAULT 0,
    pushbacks  INTEGER NOT NULL DEFAULT 0,
    in_flight  INTEGER NOT NULL DEFAULT 0,
    concurrency_limit INTEGER,
    PRIMARY KEY (run, at)
);

-- What happened to hosts as a whole, in order: held_back (429/503 made Sluice hold the whole host back; detail says
-- for how long and why), breaker_open (the host is down: its URLs fail host_down), breaker_closed (it answers
-- again). At most 10,000 per run (run_hosts counts them all).
CREATE TABLE run_events (
    run    INTEGER NOT NULL,
    at     TEXT    NOT NULL,                          -- UTC, ISO-8601 with milliseconds
    host   TEXT    NOT NULL,
    kind   TEXT    NOT NULL CHECK (kind IN ('held_back', 'breaker_open', 'breaker_closed')),
    detail TEXT
);
CREATE INDEX run_events_run ON run_events (run, at);

-- Issue 12: runs are recorded. One row per run of a worker ('sluice worker', or 'sluice run' as one worker) on this
-- database: when it started and ended, how it was started (the command line and the effective configuration,
-- secrets masked), how it ended and what it did (its summary). The same table as SQLite's, plus alive_until.
CREATE TABLE runs (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- results.run of the rows it stored
    worker          text        NOT NULL,            -- as workers.id and queue.lease_owner
    command         text,                            -- the command line, secrets masked; null from the library
    config          jsonb       NOT NULL,            -- the effective configuration, secrets masked
    started_at      timestamptz NOT NULL,
    seen_at         timestamptz NOT NULL,            -- its last heartbeat (or its start)
    alive_until     timestamptz NOT NULL,            -- 'running' past this: the worker died (no heartbeat for a lease)
    ended_at        timestamptz,
    state           text        NOT NULL DEFAULT 'running'
                    CHECK (state IN ('running', 'done', 'interrupted', 'fatal', 'lost')),
    message         text,                            -- fatal: why
    ok              bigint,                          -- the summary, from here on: null until the run ends
    failed          bigint,
    unchanged       bigint,
    skipped         bigint,
    duplicates      bigint,
    cancelled       bigint,
    requests        bigint,
    retries         bigint,
    p50_ms          bigint,
    p95_ms          bigint,
    p99_ms          bigint,
    max_ms          bigint,
    urls_per_second double precision,
    failed_by_error jsonb,                           -- error code -> count
    discovered      jsonb                            -- rule -> requests its responses discovered
);

-- The run that stored each result; null for rows stored before runs were recorded.
ALTER TABLE results ADD COLUMN run bigint;

-- What a run's requests met, per host, as in SQLite (see V5__runs.sql there): bounded by hosts, not URLs.
CREATE TABLE run_hosts (
    run           bigint NOT NULL,
    host          text   NOT NULL,
    requests      bigint NOT NULL DEFAULT 0,
    retries       bigint NOT NULL DEFAULT 0,
    fetched       bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    status_429    bigint NOT NULL DEFAULT 0,
    status_503    bigint NOT NULL DEFAULT 0,
    held_back_ms  bigint NOT NULL DEFAULT 0,
    breaker_opens bigint NOT NULL DEFAULT 0,
    latency_ms    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (run, host)
);
CREATE TABLE run_latency (
    run   bigint  NOT NULL,
    host  text    NOT NULL,
    le_ms integer NOT NULL,
    n     bigint  NOT NULL,
    PRIMARY KEY (run, host, le_ms)
);
CREATE TABLE run_retries (
    run    bigint NOT NULL,
    host   text   NOT NULL,
    reason text   NOT NULL,
    n      bigint NOT NULL,
    PRIMARY KEY (run, host, reason)
);
CREATE TABLE run_seconds (
    run        bigint      NOT NULL,
    at         timestamptz NOT NULL,
    requests   bigint      NOT NULL DEFAULT 0,
    retries    bigint      NOT NULL DEFAULT 0,
    pushbacks  bigint      NOT NULL DEFAULT 0,
    in_flight  integer     NOT NULL DEFAULT 0,
    concurrency_limit integer,
    PRIMARY KEY (run, at)
);
CREATE TABLE run_events (
    run    bigint      NOT NULL,
    at     timestamptz NOT NULL,
    host   text        NOT NULL,
    kind   text        NOT NULL CHECK (kind IN ('held_back', 'breaker_open', 'breaker_closed')),
    detail text
);
CREATE INDEX run_events_run ON run_events (run, at);

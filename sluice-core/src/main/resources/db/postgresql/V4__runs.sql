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

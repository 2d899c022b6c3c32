-- The same logical schema as SQLite's (results, records, bodies), with PostgreSQL's types, plus the
-- work queue that many workers share. A public interface, documented in the README.

-- One row per URL: its final outcome.
CREATE TABLE results (
    url           text COLLATE "C" NOT NULL PRIMARY KEY, -- byte order: cheaper comparisons in every index on it
    status        text        NOT NULL CHECK (status IN ('ok', 'failed')),
    http_status   integer,
    attempts      integer     NOT NULL,
    error         text CHECK (error IN ('invalid_url', 'timeout', 'connect', 'io', 'http', 'too_large', 'redirects',
                                        'process', 'host_down', 'robots')),
    detail        text,
    bytes         bigint,
    content_type  text,
    sha256        text,
    elapsed_ms    bigint      NOT NULL,
    fetched_at    timestamptz NOT NULL,
    etag          text,
    last_modified text,
    unchanged     boolean     NOT NULL DEFAULT false
);

-- What the processor (e.g. --jq) emitted for a URL: one row per value, in order.
CREATE TABLE records (
    url  text COLLATE "C" NOT NULL,
    seq  integer NOT NULL,
    data jsonb   NOT NULL,
    PRIMARY KEY (url, seq)
);

-- Raw bodies, only with --store-body.
CREATE TABLE bodies (
    url  text COLLATE "C" NOT NULL PRIMARY KEY,
    body bytea NOT NULL
);

-- The work queue: one row per URL ever enqueued. A worker claims queued rows under a lease (owner and
-- expiry), renews the lease while it works, and finishes the row in the transaction that stores the
-- result. An expired lease (its worker died) is put back to 'queued' by any live worker.
CREATE TABLE queue (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- claim order: first in, first out
    url         text COLLATE "C" NOT NULL UNIQUE,
    state       text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done', 'failed')),
    lease_owner text,                                   -- the worker holding the lease (state 'leased')
    leased_at   timestamptz,
    lease_until timestamptz,
    claims      integer     NOT NULL DEFAULT 0,         -- how many times a worker claimed it
    finished_by text,                                   -- the worker that stored its result
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX queue_queued ON queue (id) WHERE state = 'queued';
CREATE INDEX queue_leased ON queue (lease_until) WHERE state = 'leased';

-- Workers that have run against this database, for status.
CREATE TABLE workers (
    id         text        NOT NULL PRIMARY KEY,        -- host:pid:random
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now(),      -- its last heartbeat
    stopped_at timestamptz
);

-- Per-host slots shared by all workers: --per-host rows per host key; a worker may send to a host only
-- on the slots it holds (owner, renewed while used; an expired one is free again).
CREATE TABLE host_slots (
    host_key    text        NOT NULL,
    slot        integer     NOT NULL,
    owner       text,
    lease_until timestamptz,
    PRIMARY KEY (host_key, slot)
);

-- Workers that want slots of a host and could not get them, until when: holders give back down to a fair
-- share (the cap divided among the workers that want the host), so one worker cannot keep them all.
CREATE TABLE host_wants (
    host_key     text        NOT NULL,
    worker       text        NOT NULL,
    wanted_until timestamptz NOT NULL,
    PRIMARY KEY (host_key, worker)
);

-- Typed tables (--table). Their own tables are made by Sluice when they are declared or first seen, and their
-- columns added as they are declared or first seen; these three say what they are and what did not fit. The same as
-- SQLite's, with PostgreSQL's types.
CREATE TABLE typed_tables (
    table_name   text        NOT NULL PRIMARY KEY,
    parent_table text,                               -- a child table's parent: its _parent_row is the parent's _row
    write_mode   text        NOT NULL CHECK (write_mode IN ('append', 'merge')),
    primary_key  text,                               -- merge: the key's columns, comma-separated
    created_at   timestamptz NOT NULL
);

CREATE TABLE table_columns (
    table_name  text        NOT NULL,
    column_name text        NOT NULL,
    position    integer     NOT NULL,                -- from 1, in the order columns were added
    data_type   text        NOT NULL,                -- bool, bigint, decimal(p,s), double, date, timestamp, text, json
    declared    boolean     NOT NULL,
    added_at    timestamptz NOT NULL,
    changed_at  timestamptz,                         -- when its inferred type was last widened
    PRIMARY KEY (table_name, column_name)
);

CREATE TABLE rejects (
    request     text COLLATE "C" NOT NULL,           -- as results.request
    url         text        NOT NULL,
    table_name  text        NOT NULL,
    position    integer,                             -- the row's _row, null when no row was made
    column_name text,
    value       text,                                -- as extracted, at most 1,000 characters; null when missing
    selector    text,
    reason      text        NOT NULL,
    fetched_at  timestamptz NOT NULL,
    run         bigint
);
CREATE INDEX rejects_request ON rejects (request);

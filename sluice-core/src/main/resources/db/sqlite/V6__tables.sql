-- Typed tables (--table). Their own tables are made by Sluice when they are declared or first seen, and their
-- columns added as they are declared or first seen; these three say what they are and what did not fit.
-- typed_tables and table_columns are the schema catalog: one row per table (a child table names its parent), one per
-- user column of each, after the provenance columns, in order, with its type as Sluice writes it (bool, bigint,
-- decimal(p,s), double, date, timestamp, text, json) and whether a field declared it or the values seen inferred it.
CREATE TABLE typed_tables (
    table_name   TEXT NOT NULL PRIMARY KEY,
    parent_table TEXT,                               -- a child table's parent: its _parent_row is the parent's _row
    write_mode   TEXT NOT NULL CHECK (write_mode IN ('append', 'merge')),
    primary_key  TEXT,                               -- merge: the key's columns, comma-separated
    created_at   TEXT NOT NULL
);

CREATE TABLE table_columns (
    table_name  TEXT    NOT NULL,
    column_name TEXT    NOT NULL,
    position    INTEGER NOT NULL,                    -- from 1, in the order columns were added
    data_type   TEXT    NOT NULL,
    declared    INTEGER NOT NULL CHECK (declared IN (0, 1)),
    added_at    TEXT    NOT NULL,                    -- UTC, ISO-8601 with milliseconds
    changed_at  TEXT,                                -- when its inferred type was last widened
    PRIMARY KEY (table_name, column_name)
);

-- A value that did not go into its table: a required field missing, a value that does not convert to its column's
-- type, or one the schema contract does not let in. Replaced with the rows of its request, as those are.
CREATE TABLE rejects (
    request     TEXT    NOT NULL,                    -- as results.request
    url         TEXT    NOT NULL,                    -- as results.url
    table_name  TEXT    NOT NULL,
    position    INTEGER,                             -- the row's _row, null when no row was made
    column_name TEXT,
    value       TEXT,                                -- as extracted, at most 1,000 characters; null when missing
    selector    TEXT,                                -- the field's source as written, e.g. css:p.price::text
    reason      TEXT    NOT NULL,
    fetched_at  TEXT    NOT NULL,
    run         INTEGER                              -- runs.id of the run that stored it
);
CREATE INDEX rejects_request ON rejects (url, request);

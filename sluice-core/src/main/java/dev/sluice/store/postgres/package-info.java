/**
 * PostgreSQL: a database shared by many workers ({@link dev.sluice.store.postgres.PgDatabase},
 * {@link dev.sluice.store.postgres.PgStore}), its queue claimed under leases ({@link dev.sluice.store.postgres.PgFrontier})
 * and loaded by {@link dev.sluice.store.postgres.PgEnqueue}; per-host slots shared across workers.
 */
package dev.sluice.store.postgres;

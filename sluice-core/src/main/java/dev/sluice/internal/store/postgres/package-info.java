/**
 * PostgreSQL: a database shared by many workers ({@link dev.sluice.internal.store.postgres.PgDatabase},
 * {@link dev.sluice.internal.store.postgres.PgStore}), its queue claimed under leases ({@link dev.sluice.internal.store.postgres.PgFrontier})
 * and loaded by {@link dev.sluice.internal.store.postgres.PgEnqueue}; per-host slots shared across workers.
 */
package dev.sluice.internal.store.postgres;

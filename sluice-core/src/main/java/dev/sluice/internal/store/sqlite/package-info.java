/**
 * The embedded default store: one SQLite file, written by one process at a time ({@link dev.sluice.internal.store.sqlite.SqliteStore},
 * {@link dev.sluice.internal.store.sqlite.SqliteDatabase}), its frontier worked without leases ({@link dev.sluice.internal.store.sqlite.SqliteFrontier}).
 */
package dev.sluice.internal.store.sqlite;

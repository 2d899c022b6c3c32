/**
 * The embedded default store: one SQLite file, written by one process at a time ({@link dev.sluice.store.sqlite.SqliteStore},
 * {@link dev.sluice.store.sqlite.SqliteDatabase}), its frontier worked without leases ({@link dev.sluice.store.sqlite.SqliteFrontier}).
 */
package dev.sluice.store.sqlite;

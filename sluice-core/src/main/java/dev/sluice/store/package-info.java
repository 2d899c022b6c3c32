/** Storing: the single batching {@link dev.sluice.store.Writer} and the SQLite {@link dev.sluice.store.SqliteStore}. */
package dev.sluice.store;

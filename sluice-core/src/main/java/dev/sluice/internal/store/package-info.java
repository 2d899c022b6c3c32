/**
 * Storage, one road for both databases: the single batching {@link dev.sluice.internal.store.Writer}; the frontier's shared
 * completion, discovery inserts and run records ({@link dev.sluice.internal.store.SqlFrontier}); input loading
 * ({@link dev.sluice.internal.store.InputLoader}); reads back ({@link dev.sluice.internal.store.SqlStore}). Each database brings a small
 * dialect ({@link dev.sluice.internal.store.SqlDatabase}, {@link dev.sluice.internal.store.Dialect}): {@code store.sqlite} and
 * {@code store.postgres}; run records and the report are in {@code store.runs}.
 */
package dev.sluice.internal.store;

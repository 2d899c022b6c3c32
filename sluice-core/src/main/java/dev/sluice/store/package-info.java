/**
 * Storage, one road for both databases: the single batching {@link dev.sluice.store.Writer}; the frontier's shared
 * completion, discovery inserts and run records ({@link dev.sluice.store.SqlFrontier}); input loading
 * ({@link dev.sluice.store.InputLoader}); reads back ({@link dev.sluice.store.SqlStore}). Each database brings a small
 * dialect ({@link dev.sluice.store.SqlDatabase}, {@link dev.sluice.store.Dialect}): {@code store.sqlite} and
 * {@code store.postgres}; run records and the report are in {@code store.runs}.
 */
package dev.sluice.store;

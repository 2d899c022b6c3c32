/**
 * What a store implements for Sluice to run on it: a {@link dev.sluice.spi.Store} (results read back, runs, reports)
 * and its {@link dev.sluice.spi.Frontier} (the queue of requests: load, claim, complete in one transaction with the
 * results, run records), with what they are handed: {@link dev.sluice.spi.RunFacts} (what a run's requests met, to
 * write beside their results), {@link dev.sluice.spi.InputRequests} (input lines read as requests) and
 * {@link dev.sluice.spi.HostSlots} (per-host slots shared by workers). SQLite and PostgreSQL implement it inside Sluice.
 */
package dev.sluice.spi;

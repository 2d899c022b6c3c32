/** Politeness: the global and per-host concurrency caps and the smooth rate, combined in {@link dev.sluice.limit.Limits}. */
package dev.sluice.limit;

/**
 * Politeness: the {@link dev.sluice.limit.Scheduler} and what it keeps per host (cap, {@link
 * dev.sluice.limit.AdaptiveLimit adaptive limit}, pace, back-off, breaker), and {@link dev.sluice.limit.HostKeys}.
 */
package dev.sluice.limit;

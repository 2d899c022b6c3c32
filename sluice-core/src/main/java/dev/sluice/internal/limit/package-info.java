/**
 * Politeness: the {@link dev.sluice.internal.limit.Scheduler} and what it keeps per host (cap, {@link
 * dev.sluice.internal.limit.AdaptiveLimit adaptive limit}, pace, back-off, breaker), and {@link dev.sluice.internal.limit.HostKeys}.
 */
package dev.sluice.internal.limit;

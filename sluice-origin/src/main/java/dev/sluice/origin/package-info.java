/**
 * A loopback HTTP origin that misbehaves on purpose, chosen per request by query parameters:
 * the server behind {@code sluice demo}, the other modules' tests and the benchmarks.
 * Start one with {@link dev.sluice.origin.Origin#start()}.
 */
package dev.sluice.origin;

/**
 * A loopback HTTP origin that misbehaves on purpose, chosen per request by query parameters:
 * the server behind {@code sluice demo}, the other modules' tests and the benchmarks.
 * Start one with {@link dev.sluice.origin.Origin#start()}. Besides its default JSON item it serves a paginated
 * API under {@code /api/} and generated HTML sites under {@code /site/}; {@link dev.sluice.origin.Site} computes
 * which pages of a site a crawl must find.
 */
package dev.sluice.origin;

/**
 * One attempt at a URL over HTTP ({@link dev.sluice.fetch.HttpFetcher}, on Jetty's client), its typed outcome
 * ({@link dev.sluice.fetch.Attempt}), what is worth retrying ({@code Failures}) and when
 * ({@link dev.sluice.fetch.RetryPolicy}, {@link dev.sluice.fetch.RetryAfter}).
 */
package dev.sluice.fetch;

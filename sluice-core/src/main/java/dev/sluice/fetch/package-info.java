/**
 * One attempt at a URL over HTTP/1.1 or HTTP/2 ({@link dev.sluice.fetch.HttpFetcher}, on Jetty's client; start
 * there), conditional when given {@link dev.sluice.Validators}, its body decoded as it arrives
 * ({@code BodyCollector}, {@code BodyDecoder}, {@code ContentCoding}), its typed outcome
 * ({@link dev.sluice.fetch.Attempt}), what is worth retrying ({@code Failures}) and when
 * ({@link dev.sluice.fetch.RetryPolicy}, {@link dev.sluice.fetch.RetryAfter}).
 */
package dev.sluice.fetch;

/**
 * One attempt at a URL over HTTP/1.1 or HTTP/2 ({@link dev.sluice.internal.fetch.HttpFetcher}, on Jetty's client; start
 * there), conditional when given {@link dev.sluice.Validators}, its body decoded as it arrives
 * ({@code BodyCollector}, {@code BodyDecoder}, {@code ContentCoding}), what its Content-Type says of it
 * ({@link dev.sluice.internal.fetch.ContentTypes}: HTML or not, the charset), its typed outcome
 * ({@link dev.sluice.internal.fetch.Attempt}), what is worth retrying ({@code Failures}) and when
 * ({@link dev.sluice.internal.fetch.RetryPolicy}, {@link dev.sluice.internal.fetch.RetryAfter}).
 */
package dev.sluice.internal.fetch;

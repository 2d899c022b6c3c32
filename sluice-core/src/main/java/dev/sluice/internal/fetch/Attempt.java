package dev.sluice.internal.fetch;

import dev.sluice.Validators;
import dev.sluice.ErrorKind;

import java.net.URI;
import java.time.Duration;

/**
 * What one attempt at a URL gave: a 2xx body, a 304 Not Modified answer to a conditional request, or a
 * typed failure. Immutable.
 */
public sealed interface Attempt {

    /**
     * A 2xx response with its whole body, decoded.
     *
     * @param httpStatus   the 2xx status
     * @param contentType  the Content-Type header, or null
     * @param body         the body after Content-Encoding was undone (never null; may be empty)
     * @param finalUri     the URI the body came from, after redirects
     * @param etag         the ETag header, raw (quotes and {@code W/} kept), or null
     * @param lastModified the Last-Modified header, raw, or null
     * @param links        the raw values of every Link header, in order (empty when none): where pagination may point
     * @param headers      every header of the response
     */
    record Success(int httpStatus, String contentType, byte[] body, URI finalUri, String etag, String lastModified,
                   java.util.List<String> links, dev.sluice.Headers headers) implements Attempt {
    }

    /**
     * The server answered 304 to a request sent with {@link Validators}: the stored body is still current.
     * Not a failure, never retried. Only {@link HttpFetcher#fetch(URI, Validators)} with validators gives
     * it: a 304 to an unconditional request is a {@link Failure} (kind {@code http}), as any other
     * unexpected status.
     *
     * @param finalUri the URI that answered 304 (validators are sent before any redirect, so the URI asked for)
     */
    record NotModified(URI finalUri) implements Attempt {
    }

    /**
     * A failed attempt.
     *
     * @param kind       what went wrong
     * @param detail     a human-readable reason
     * @param httpStatus the status received, or null when none was
     * @param retryable  whether another attempt may succeed (transient failures only)
     * @param retryAfter the server's Retry-After, or null when it sent none
     */
    record Failure(ErrorKind kind, String detail, Integer httpStatus, boolean retryable, Duration retryAfter)
            implements Attempt {

        static Failure of(ErrorKind kind, String detail, boolean retryable) {
            return new Failure(kind, detail, null, retryable, null);
        }
    }
}

package dev.sluice.fetch;

import dev.sluice.ErrorKind;

import java.net.URI;
import java.time.Duration;

/** What one attempt at a URL gave: a 2xx body, or a typed failure. Immutable. */
public sealed interface Attempt {

    /** A 2xx response with its whole body. */
    record Success(int httpStatus, String contentType, byte[] body, URI finalUri) implements Attempt {
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

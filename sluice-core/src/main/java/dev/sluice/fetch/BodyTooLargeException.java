package dev.sluice.fetch;

/** Aborts a response whose body would exceed the configured maximum. */
final class BodyTooLargeException extends Exception {
    BodyTooLargeException(long max, long declared) {
        super(declared >= 0
                ? "Content-Length " + declared + " exceeds the maximum body size of " + max + " bytes"
                : "body exceeds the maximum body size of " + max + " bytes");
    }
}

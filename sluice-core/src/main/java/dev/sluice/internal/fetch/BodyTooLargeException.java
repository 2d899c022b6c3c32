package dev.sluice.internal.fetch;

/** Aborts a response whose body would exceed the configured maximum. */
final class BodyTooLargeException extends Exception {
    private BodyTooLargeException(String message) {
        super(message);
    }

    /** The response declared more than the maximum in its Content-Length. */
    static BodyTooLargeException declared(long max, long declared) {
        return new BodyTooLargeException("Content-Length " + declared + " exceeds the maximum body size of " + max + " bytes");
    }

    /** More than the maximum arrived. */
    static BodyTooLargeException arrived(long max) {
        return new BodyTooLargeException("body exceeds the maximum body size of " + max + " bytes");
    }

    /** Decoding made more than the maximum, whatever the encoded size. */
    static BodyTooLargeException decoded(long max, String contentEncoding) {
        return new BodyTooLargeException("body exceeds the maximum body size of " + max + " bytes once decoded ("
                + contentEncoding + ")");
    }
}

package dev.sluice.origin;

/**
 * What a test switches for the whole origin at once, rather than per request: overload.
 *
 * <p>Thread-safe: each setting is one volatile field, read once per request, so that a request sees a
 * setting as it was either before or after a change.
 */
final class Switches {
    /** The status every request is answered with, or 0 when the origin is not overloaded. */
    private volatile int overload;

    int overload() {
        return overload;
    }

    void overload(int status) {
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("overload status must be 400..599, or 0 for off: " + status);
        }
        overload = status;
    }
}

package dev.sluice.store;

/** What a database failure comes down to, for a one-line message. */
final class Causes {
    private Causes() {
    }

    /** The innermost cause: the driver's own words (e.g. "Connection refused"), not its wrappers'. */
    static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}

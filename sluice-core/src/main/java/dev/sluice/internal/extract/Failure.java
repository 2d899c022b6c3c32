package dev.sluice.internal.extract;

/**
 * Why one value is rejected (a step or a conversion that fails on it, a source that fails in one row), with the
 * value as it was then. Thrown and caught on the extracting thread for a single value, so it has no stack trace: on
 * a bad crawl it is common.
 */
final class Failure extends Exception {
    private final transient Object value;

    Failure(String reason, Object value) {
        super(reason, null, false, false);
        this.value = value;
    }

    /** The value that failed, or null when there was none (a source that failed). */
    Object value() {
        return value;
    }
}

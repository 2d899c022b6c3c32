package dev.sluice;

/**
 * The store could not do what was asked: the database is missing, not writable, full, or corrupt; or, a
 * {@link dev.sluice.internal.store.sqlite.DatabaseInUseException}, another process is writing to it.
 */
public class StoreException extends Exception {
    private final String location;

    public StoreException(String location, String message, Throwable cause) {
        super(location + ": " + message + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.location = location;
    }

    /** A failure whose message says all; a cause may be set later ({@link #initCause}) without adding to it. */
    public StoreException(String location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    /** Where the data is, e.g. the database file. */
    public String location() {
        return location;
    }
}

package dev.sluice;

import java.util.Locale;

/** Where a recorded run stands (column {@code runs.state}). */
public enum RunState {
    /** Started and not ended: still going, unless its process died since (see {@link #LOST}). */
    RUNNING,
    /** Its work was done: the input loaded and the frontier drained. */
    DONE,
    /** Stopped before its work was done (a signal, {@link Sluice#stop}); a re-run continues it. */
    INTERRUPTED,
    /** Ended by a failure it could not go on through (the database, the input); {@code runs.message} says which. */
    FATAL,
    /** Ended without saying how: its process was killed or its machine went away (it stopped committing or beating). */
    LOST;

    /** As stored: {@code running}, {@code done}, … */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunState of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}

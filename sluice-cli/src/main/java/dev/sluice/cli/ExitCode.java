package dev.sluice.cli;

/** The process exit codes: a public interface, documented in the README. Mapped in one place, {@link Main}. */
public final class ExitCode {
    /** Every URL of the run is stored ok (or was already). */
    public static final int OK = 0;
    /** A fatal error: one clear line on stderr (e.g. the database is not writable). */
    public static final int FATAL = 1;
    /** A usage error: a bad flag, value or input name; or a SQLite file another process is writing to. */
    public static final int USAGE = 2;
    /** The run finished, and some URLs failed (their rows say why). */
    public static final int FAILURES = 3;
    /** Interrupted by SIGINT/SIGTERM; what was fetched is stored; a re-run continues. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}

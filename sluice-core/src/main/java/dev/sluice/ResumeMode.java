package dev.sluice;

/** Which URLs that already have a row in the store are fetched again. */
public enum ResumeMode {
    /** Skip every URL that has a row (the default: re-running a command continues where it stopped). */
    SKIP_DONE,
    /** Fetch again the URLs whose row is {@code failed}; skip those that are {@code ok}. */
    RETRY_FAILED,
    /** Fetch every URL again. */
    REFETCH
}

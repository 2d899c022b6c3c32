package dev.sluice;

/**
 * What the {@link Scheduler} tells about hosts as a whole, for the record of a run. Called under the scheduler's
 * lock: an implementation only notes, quickly, and never calls back.
 */
public interface HostEvents {
    /** Tells nothing. */
    HostEvents NONE = new HostEvents() {
    };

    /**
     * The host is held back as a whole for {@code millis} more than it was (its 429/503 answers); {@code newEvent}:
     * a new pushback, not a late answer to the last one; {@code retryAfter}: as its Retry-After asked.
     */
    default void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
    }

    /** The host's breaker opened: it is down, its URLs fail {@code host_down} until a probe finds it answering. */
    default void breakerOpened(String host) {
    }

    /** The host answers again: its breaker closed. */
    default void breakerClosed(String host) {
    }

    /** Under {@code --concurrency auto}: the host's adaptive limit is now {@code limit}. */
    default void limitChanged(String host, int limit) {
    }
}

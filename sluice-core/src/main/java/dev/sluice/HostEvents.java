package dev.sluice;

/**
 * What the {@link Scheduler} tells about hosts as a whole, for the record of a run and its metrics.
 *
 * <p>Called after the scheduler's lock is released, by the thread that made the change (admission, a fetch thread
 * closing its permit, {@code sluice-timer}), in the order that thread made them; two threads' events may interleave.
 * An implementation is thread-safe and quick (it holds up that thread's grants), and may take its own locks or call
 * the scheduler. One that throws is logged once and the run goes on ({@link FencedHostEvents}).
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

package dev.sluice.internal.limit;

import dev.sluice.HostEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The scheduler's {@link HostEvents} observer, fenced: one that throws costs nothing but its own note. Its first failure
 * is logged as a warning naming the observer and the event, later ones at debug only (an observer that fails once
 * usually fails on every event), and the scheduler goes on as if it had returned.
 *
 * <p>Thread-safe. Called by whichever thread made the events (admission, a fetch thread closing its permit,
 * {@code sluice-timer}), after the scheduler's lock is released.
 */
final class FencedHostEvents implements HostEvents {
    private static final Logger log = LoggerFactory.getLogger(FencedHostEvents.class);

    private final HostEvents observer;
    private final AtomicBoolean failed = new AtomicBoolean();

    FencedHostEvents(HostEvents observer) {
        this.observer = observer;
    }

    @Override
    public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
        try {
            observer.heldBack(host, millis, newEvent, retryAfter);
        } catch (RuntimeException e) {
            failed("heldBack", host, e);
        }
    }

    @Override
    public void breakerOpened(String host) {
        try {
            observer.breakerOpened(host);
        } catch (RuntimeException e) {
            failed("breakerOpened", host, e);
        }
    }

    @Override
    public void breakerClosed(String host) {
        try {
            observer.breakerClosed(host);
        } catch (RuntimeException e) {
            failed("breakerClosed", host, e);
        }
    }

    @Override
    public void limitChanged(String host, int limit) {
        try {
            observer.limitChanged(host, limit);
        } catch (RuntimeException e) {
            failed("limitChanged", host, e);
        }
    }

    private void failed(String event, String host, RuntimeException e) {
        if (failed.compareAndSet(false, true)) {
            log.warn("host event observer {} failed on {}({}); the run goes on without this note, and the observer's "
                    + "later failures are logged at debug level only", observer.getClass().getName(), event, host, e);
        } else {
            log.debug("host event observer {} failed on {}({})", observer.getClass().getName(), event, host, e);
        }
    }
}

package dev.sluice;

import dev.sluice.RequestResult;
import dev.sluice.HostEvents;

/**
 * What a run tells as it goes: requests and their answers per host key, each stored result, each commit. The run's
 * record ({@link RunFacts}) is one observer, metrics ({@link dev.sluice.internal.metrics.SluiceMetrics}) another. Called from
 * the thread named on each method, often many thousand times a second: an implementation only counts, quickly,
 * and never blocks or throws.
 */
public interface RunObserver extends HostEvents {
    /** Tells nothing. */
    RunObserver NONE = new RunObserver() {
    };

    /** A request went to {@code host} ({@code retry}: not a URL's first attempt). Fetch threads. */
    default void sent(String host, boolean retry) {
    }

    /** {@code host} answered a failed attempt with {@code httpStatus} (null: no answer). Fetch threads. */
    default void answered(String host, Integer httpStatus) {
    }

    /** A URL of {@code host} is tried again for {@code reason}: an error code, or {@code http_<status>}. Fetch threads. */
    default void retrying(String host, String reason) {
    }

    /** A URL of {@code host} is done with fetching (fetched, or failed for good) {@code ms} after its first attempt. Fetch threads. */
    default void fetched(String host, boolean ok, long ms) {
    }

    /**
     * The run's load after a commit.
     *
     * @param inFlight    requests in flight
     * @param limit       the concurrency the run may use under {@code --concurrency auto}; -1 under fixed limits
     * @param window      URLs admitted and not yet stored
     * @param cpuQueue    bodies waiting for a processing thread
     * @param writerQueue results waiting for their transaction
     */
    record Load(int inFlight, int limit, int window, int cpuQueue, int writerQueue) {
    }

    /** After a commit: the run's load. Writer thread. */
    default void sample(Load load) {
    }

    /** A result is stored (its transaction committed). Writer thread. */
    default void stored(RequestResult result) {
    }

    /** A batch of {@code rows} results was committed, the transaction taking {@code nanos}. Writer thread. */
    default void committed(int rows, long nanos) {
    }

    /** Both, in order. */
    static RunObserver both(RunObserver a, RunObserver b) {
        if (b == NONE) {
            return a;
        }
        return new RunObserver() {
            @Override
            public void sent(String host, boolean retry) {
                a.sent(host, retry);
                b.sent(host, retry);
            }

            @Override
            public void answered(String host, Integer httpStatus) {
                a.answered(host, httpStatus);
                b.answered(host, httpStatus);
            }

            @Override
            public void retrying(String host, String reason) {
                a.retrying(host, reason);
                b.retrying(host, reason);
            }

            @Override
            public void fetched(String host, boolean ok, long ms) {
                a.fetched(host, ok, ms);
                b.fetched(host, ok, ms);
            }

            @Override
            public void sample(Load load) {
                a.sample(load);
                b.sample(load);
            }

            @Override
            public void stored(RequestResult result) {
                a.stored(result);
                b.stored(result);
            }

            @Override
            public void committed(int rows, long nanos) {
                a.committed(rows, nanos);
                b.committed(rows, nanos);
            }

            @Override
            public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
                a.heldBack(host, millis, newEvent, retryAfter);
                b.heldBack(host, millis, newEvent, retryAfter);
            }

            @Override
            public void breakerOpened(String host) {
                a.breakerOpened(host);
                b.breakerOpened(host);
            }

            @Override
            public void breakerClosed(String host) {
                a.breakerClosed(host);
                b.breakerClosed(host);
            }

            @Override
            public void limitChanged(String host, int limit) {
                a.limitChanged(host, limit);
                b.limitChanged(host, limit);
            }
        };
    }
}

package dev.sluice.limit;

import dev.sluice.SluiceConfig;

import java.util.concurrent.Semaphore;

/**
 * The politeness gate every attempt passes: per-host slot, then global slot, then the rate. Taken in
 * that fixed order and given back in reverse, so two requests can never wait on each other's slot
 * (no deadlock); a request holds nothing while it waits out a back-off.
 *
 * <p>Thread-safe; called from fetch threads (virtual), which may block here.
 */
public final class Limits {
    private final int concurrency;
    private final Semaphore global;
    private final HostLimiter hosts; // null: no per-host cap
    private final RateLimiter rate;  // null: no rate limit

    public Limits(SluiceConfig config) {
        this.concurrency = config.concurrency();
        this.global = new Semaphore(concurrency, true);
        this.hosts = config.perHost() > 0 ? new HostLimiter(config.perHost()) : null;
        this.rate = config.ratePerSecond() > 0 ? new RateLimiter(config.ratePerSecond(), System::nanoTime) : null;
    }

    /** What {@link #acquire} returns: the right to send one request to one host. Release exactly once. */
    public final class Permit implements AutoCloseable {
        private final String host;
        private boolean released;

        private Permit(String host) {
            this.host = host;
        }

        /** Gives the slots back. Idempotent; called by the thread that acquired it. */
        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            global.release();
            if (hosts != null) {
                hosts.release(host);
            }
        }
    }

    /** Blocks until {@code host} may be sent a request under every limit. */
    public Permit acquire(String host) throws InterruptedException {
        if (hosts != null) {
            hosts.acquire(host);
        }
        try {
            global.acquire();
        } catch (InterruptedException e) {
            if (hosts != null) {
                hosts.release(host);
            }
            throw e;
        }
        Permit permit = new Permit(host);
        if (rate != null) {
            try {
                rate.acquire();
            } catch (InterruptedException e) {
                permit.close();
                throw e;
            }
        }
        return permit;
    }

    /** Requests holding a global slot now. */
    public int inFlight() {
        return concurrency - global.availablePermits();
    }
}

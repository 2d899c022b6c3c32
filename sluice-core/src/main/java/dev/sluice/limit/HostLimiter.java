package dev.sluice.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A concurrency cap per host: one fair semaphore per host key, shared by every request to it,
 * created on first use and dropped when no request holds or awaits it (so a million hosts do not
 * stay in memory).
 *
 * <p>Thread-safe. The reference count is changed only inside {@link ConcurrentHashMap#compute},
 * which is atomic per key; the semaphore is waited on outside it.
 */
public final class HostLimiter {
    private final int perHost;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        final Semaphore permits;
        int users; // guarded by the map's per-key atomicity (compute)

        Slot(int perHost) {
            permits = new Semaphore(perHost, true);
        }
    }

    public HostLimiter(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("perHost must be >= 1, was " + perHost);
        }
        this.perHost = perHost;
    }

    /** Blocks until a slot for {@code host} is free, and takes it. */
    public void acquire(String host) throws InterruptedException {
        Slot slot = slots.compute(host, (h, s) -> {
            Slot r = s == null ? new Slot(perHost) : s;
            r.users++;
            return r;
        });
        try {
            slot.permits.acquire();
        } catch (InterruptedException e) {
            unuse(host);
            throw e;
        }
    }

    /** Gives back the slot taken by {@link #acquire}. */
    public void release(String host) {
        Slot slot = slots.get(host);
        if (slot == null) {
            throw new IllegalStateException("release without acquire for host " + host);
        }
        slot.permits.release();
        unuse(host);
    }

    private void unuse(String host) {
        slots.computeIfPresent(host, (h, s) -> --s.users == 0 ? null : s);
    }
}

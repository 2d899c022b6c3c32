package dev.sluice.internal.limit;

import dev.sluice.spi.HostSlots;
import dev.sluice.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the scheduler's hosts supplied with shared slots ({@link HostSlots}). Every {@value #POLL_MS} ms,
 * and at once when the scheduler says a host could use more, it asks the scheduler what each host could use,
 * takes more slots for hosts that want them (up to their fair share when other workers want the host too),
 * gives back those not needed (never one in use; beyond the fair share at once, otherwise only once the host
 * has needed fewer for {@value #KEEP_MS} ms, so a worker between two claims keeps its slots), and renews
 * the leases of those held every third of the lease.
 *
 * <p>If renewing fails (the database is away) until the leases may have expired, every slot is dropped:
 * the scheduler stops sending until slots are acquired again, so no host gets more than its cap across
 * workers even when a lease ran out unseen.
 *
 * <p>Thread: one virtual thread, {@code sluice-slots}, from {@link #start} to {@link #close}.
 */
public final class SlotBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotBroker.class);
    private static final long POLL_MS = 50;
    private static final long FAIR_SHARE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long KEEP_MS = 1_000;
    private static final long MIN_GAP_MS = 5;

    private final Scheduler scheduler;
    private final HostSlots slots;
    private final long renewEveryNanos;
    private final long leaseNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopped = lock.newCondition();
    private boolean closing; // guarded by lock
    /** A host asked for more slots since the last look. Written under lock; read without it as a shortcut. */
    private volatile boolean wanted;
    private Thread thread;
    // --- the broker thread only (close() reads failing after joining it) ---
    private boolean failing;
    private Map<String, Integer> fairShares = new HashMap<>();
    private long fairSharesAt;
    /** Since when each host has needed fewer slots than it holds. */
    private final Map<String, Long> needFewerSince = new HashMap<>();

    public SlotBroker(Scheduler scheduler, HostSlots slots) {
        this.scheduler = scheduler;
        this.slots = slots;
        this.leaseNanos = slots.lease().toNanos();
        this.renewEveryNanos = leaseNanos / 3;
    }

    public SlotBroker start() {
        scheduler.onSlotsWanted(this::wake);
        thread = Thread.ofVirtual().name("sluice-slots").start(this::loop);
        return this;
    }

    /** A host could use more slots: look now rather than at the next poll. Any thread; cheap when repeated. */
    private void wake() {
        if (wanted) {
            return; // a look is already due
        }
        lock.lock();
        try {
            if (!wanted) {
                wanted = true;
                stopped.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long lastRenewal = System.nanoTime();
        fairSharesAt = lastRenewal - FAIR_SHARE_EVERY_NANOS;
        while (pause()) {
            long now = System.nanoTime();
            try {
                if (now - lastRenewal >= renewEveryNanos) {
                    slots.renew();
                    lastRenewal = now; // when it was sent: the leases run from no earlier than that
                }
                balance(now);
                if (failing) {
                    failing = false;
                    log.info("per-host slots: the database answers again");
                }
            } catch (StoreException | RuntimeException e) {
                if (!failing) {
                    failing = true;
                    log.warn("per-host slots cannot be renewed or taken ({}); retrying", e.getMessage());
                }
                // Leases held since the last renewal may run out unseen: stop using them before they can.
                if (System.nanoTime() - lastRenewal > leaseNanos - renewEveryNanos) {
                    scheduler.loseAllSlots();
                }
            }
        }
    }

    /**
     * Brings each host's slots to what it can use now, within its fair share, and gives back every slot of
     * a host that has no work any more (such a host has nothing in flight and sends nothing until the broker
     * gives it slots again, so they are all spare).
     */
    private void balance(long now) throws StoreException {
        List<Scheduler.SlotNeed> needs = scheduler.slotNeeds();
        Set<String> listed = new HashSet<>();
        if (!needs.isEmpty() && now - fairSharesAt >= FAIR_SHARE_EVERY_NANOS) {
            fairShares = slots.fairShares(needs.stream().map(Scheduler.SlotNeed::hostKey).toList(), needs.get(0).cap());
            fairSharesAt = now;
        }
        for (Scheduler.SlotNeed need : needs) {
            String host = need.hostKey();
            listed.add(host);
            int fair = fairShares.getOrDefault(host, need.cap());
            int target = Math.min(need.wanted(), fair);
            int held = slots.held(host);
            if (target > held) {
                held += slots.acquire(host, need.cap(), target - held);
            }
            if (target < held && held <= fair) { // only this worker's own need fell: keep them a while
                long since = needFewerSince.computeIfAbsent(host, k -> now);
                if (now - since < TimeUnit.MILLISECONDS.toNanos(KEEP_MS)) {
                    target = held;
                }
            } else {
                needFewerSince.remove(host);
            }
            int usable = Math.min(target, held);
            // In flight as of the moment the host's use was set: it can only fall from there.
            int inFlight = scheduler.setSlots(host, usable);
            int spare = inFlight < 0 ? held : held - Math.max(usable, inFlight); // a request in flight keeps its slot
            if (spare > 0) {
                slots.release(host, spare);
            }
        }
        needFewerSince.keySet().retainAll(listed);
        for (String host : Set.copyOf(slots.heldHosts())) {
            if (!listed.contains(host)) {
                slots.release(host, slots.held(host));
            }
        }
    }

    /**
     * Waits one poll period, or until a host wants more slots but at least {@value #MIN_GAP_MS} ms (a host that
     * cannot get slots asks again with every change, and must not make this a busy loop); false once closing.
     */
    private boolean pause() {
        lock.lock();
        try {
            long gap = TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MS);
            while (!closing && gap > 0) {
                gap = stopped.awaitNanos(gap);
            }
            if (!closing && !wanted) {
                stopped.await(POLL_MS - MIN_GAP_MS, TimeUnit.MILLISECONDS);
            }
            wanted = false;
            return !closing;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread and gives back every slot held (best effort: otherwise their leases expire). */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            stopped.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.loseAllSlots();
        if (failing) {
            return; // the database is away: the slots' leases expire by themselves
        }
        try {
            slots.releaseAll();
        } catch (StoreException e) {
            log.debug("cannot give back the per-host slots (their leases expire): {}", e.getMessage());
        }
    }
}

package dev.sluice.spi;

import dev.sluice.StoreException;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Per-host slots shared by several processes (the workers of one queue), so that {@code --per-host} holds
 * across all of them: a host has as many slots as its cap, and a worker may have in flight to a host only
 * as many requests as it holds slots of it. Slots are held under a lease, renewed while held; a worker that
 * dies loses them when the lease expires.
 *
 * <p>Called only by the {@link SlotBroker}'s thread; implementations may block (they talk to a database).
 */
public interface HostSlots {

    /** The host's slots held now. */
    int held(String hostKey);

    /** The hosts of which slots are held now. */
    Set<String> heldHosts();

    /**
     * Takes up to {@code wanted} more slots of the host's {@code cap}; returns how many it got (maybe 0). Falling
     * short makes this worker one that wants the host, for the holders' fair shares.
     */
    int acquire(String hostKey, int cap, int wanted) throws StoreException;

    /** Gives back {@code count} of the host's slots held. */
    void release(String hostKey, int count) throws StoreException;

    /**
     * Per host, the most slots this worker should hold: the cap shared evenly (rounded up) among the workers
     * that hold or want the host now. Hosts absent: the whole cap.
     */
    Map<String, Integer> fairShares(Collection<String> hostKeys, int cap) throws StoreException;

    /** Renews the leases of every slot held; a slot whose lease had expired and was taken is no longer held. */
    void renew() throws StoreException;

    /** Gives back every slot held (at the end of a run). */
    void releaseAll() throws StoreException;

    /** How long a slot stays held without renewal. */
    Duration lease();
}

package dev.sluice.internal.metrics;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which hosts get series of their own: at most {@code named} of them, the busiest by requests as far as bounded
 * memory can tell; every other host is {@value #OTHER}. Requests are counted per host in a Space-Saving sketch
 * (Metwally et al., 2005) of {@code 4 × named} counters: a host not in it takes the place of the smallest count and
 * inherits it plus one (the inherited part is its possible overcount), so a host that sends many requests rises into
 * it whatever came before. A host that has surely made {@value #PROMOTE_AT} requests (its count less its possible
 * overcount) takes a free name, and keeps it for the whole run: a series never moves
 * from one label to another (its counters stay monotonic; what a host sent before it was named stays in other).
 *
 * <p>Thread-safe: named hosts are read without a lock; counting the others is synchronized (cheap: a few hundred
 * counters).
 */
final class HostLabels {
    static final String OTHER = "other";
    /** Requests a host must have made (as the sketch counts) to get a name. */
    static final long PROMOTE_AT = 10;

    private final int named;
    private final int capacity;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Map<String, long[]> sketch = new HashMap<>(); // guarded by this

    HostLabels(int named) {
        if (named < 0) {
            throw new IllegalArgumentException("named hosts must be >= 0: " + named);
        }
        this.named = named;
        this.capacity = Math.max(1, 4 * named);
    }

    /** A request to {@code host}: counted; the label its series go under. */
    String count(String host) {
        if (names.contains(host)) {
            return host;
        }
        synchronized (this) {
            if (names.contains(host)) {
                return host;
            }
            long[] count = sketch.get(host); // {count, possible overcount}
            if (count != null) {
                count[0]++;
            } else {
                count = new long[] {1, 0};
                if (sketch.size() >= capacity) {
                    long inherited = evictSmallest();
                    count[0] += inherited;
                    count[1] = inherited;
                }
                sketch.put(host, count);
            }
            if (names.size() < named && count[0] - count[1] >= PROMOTE_AT) {
                sketch.remove(host);
                names.add(host);
                return host;
            }
            return OTHER;
        }
    }

    /** The label {@code host}'s series go under now, without counting. */
    String shown(String host) {
        return names.contains(host) ? host : OTHER;
    }

    /** Removes the smallest counter; returns its count. */
    private long evictSmallest() {
        Iterator<Map.Entry<String, long[]>> it = sketch.entrySet().iterator();
        Map.Entry<String, long[]> smallest = null;
        while (it.hasNext()) {
            Map.Entry<String, long[]> e = it.next();
            if (smallest == null || e.getValue()[0] < smallest.getValue()[0]) {
                smallest = e;
            }
        }
        sketch.remove(smallest.getKey());
        return smallest.getValue()[0];
    }
}

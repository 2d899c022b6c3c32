package dev.sluice.internal.robots;

import dev.sluice.internal.fetch.Attempt;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The robots.txt rules of the origins a run meets ({@code --respect-robots}), each fetched once. While one
 * fetch thread fetches an origin's robots.txt, the others that need it wait for that fetch instead of
 * sending their own. A transient failure is not remembered, so a later URL tries again.
 *
 * <p>Thread-safe. The map is guarded by a {@link ReentrantLock} held only to look up or insert, never
 * while fetching; waiting for another thread's fetch is an interruptible future. (Not a Guava cache: it
 * loads under {@code synchronized}, which pins a virtual thread's carrier on JDK 21–23 and makes the wait
 * uninterruptible.) Bounded, least recently used first out, so a crawl over very many hosts stays bounded
 * in memory; an evicted origin's robots.txt is fetched again if it comes back.
 */
public final class RobotsCache {
    private static final int ORIGINS_KEPT = 10_000;

    /** Fetches one robots.txt; called on the fetch thread that loads an origin's rules. */
    @FunctionalInterface
    public interface Fetch {
        Attempt fetch(URI robotsTxt) throws InterruptedException;
    }

    /** The rules were not learnt: fetching robots.txt failed transiently. */
    public static final class Unavailable extends Exception {
        private final transient Attempt.Failure failure;
        private final boolean fetchedHere;

        Unavailable(Attempt.Failure failure, boolean fetchedHere) {
            super(failure.detail(), null, false, false);
            this.failure = failure;
            this.fetchedHere = fetchedHere;
        }

        public Attempt.Failure failure() {
            return failure;
        }

        /** Whether this thread made the failed request (else it waited for another thread's). */
        public boolean fetchedHere() {
            return fetchedHere;
        }
    }

    /** An origin's rules, and whether this thread fetched them (so it made a request to the host). */
    public record Loaded(RobotsRules rules, boolean fetchedHere) {
    }

    private final String agent;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, CompletableFuture<RobotsRules>> byOrigin = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<RobotsRules>> eldest) {
            return size() > ORIGINS_KEPT;
        }
    }; // guarded by lock

    /** @param agent the product token matched against robots.txt groups ({@link RobotsRules#agentOf}) */
    public RobotsCache(String agent) {
        this.agent = agent;
    }

    /** The rules of {@code uri}'s origin if known, else null (no request is made). */
    public RobotsRules known(URI uri) {
        CompletableFuture<RobotsRules> f = entry(origin(uri));
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /**
     * The rules of {@code uri}'s origin, fetching its robots.txt with {@code fetch} if no one has yet, or
     * waiting for the fetch under way. {@code learnt} is told new rules before any other thread can see
     * them (so a Crawl-delay is in force before the first URL that obeys the rules is sent).
     */
    public Loaded load(URI uri, Fetch fetch, Consumer<RobotsRules> learnt) throws Unavailable, InterruptedException {
        String origin = origin(uri);
        while (true) {
            CompletableFuture<RobotsRules> mine = new CompletableFuture<>();
            CompletableFuture<RobotsRules> theirs;
            lock.lock();
            try {
                theirs = byOrigin.putIfAbsent(origin, mine);
            } finally {
                lock.unlock();
            }
            if (theirs == null) {
                return new Loaded(fetchInto(mine, origin, RobotsRules.robotsTxtOf(uri), fetch, learnt), true);
            }
            try {
                return new Loaded(theirs.get(), false);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Unavailable u) {
                    throw new Unavailable(u.failure(), false); // the same answer would come to this URL's own fetch
                }
                // The fetching thread was stopped or failed on our side: the entry is gone, try again.
            }
        }
    }

    private RobotsRules fetchInto(CompletableFuture<RobotsRules> mine, String origin, URI robotsTxt, Fetch fetch,
                                  Consumer<RobotsRules> learnt) throws Unavailable, InterruptedException {
        try {
            Attempt attempt = fetch.fetch(robotsTxt);
            RobotsRules parsed = RobotsRules.of(robotsTxt, attempt, agent);
            if (parsed == null) {
                throw new Unavailable((Attempt.Failure) attempt, true);
            }
            learnt.accept(parsed);
            mine.complete(parsed);
            return parsed;
        } catch (Unavailable | InterruptedException | RuntimeException | Error e) {
            forget(origin, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** After every retry failed: the origin is unreachable, so everything on it is disallowed (RFC 9309). */
    public RobotsRules giveUp(URI uri, String detail) {
        RobotsRules none = RobotsRules.unreachable(RobotsRules.robotsTxtOf(uri), detail);
        lock.lock();
        try {
            byOrigin.put(origin(uri), CompletableFuture.completedFuture(none));
        } finally {
            lock.unlock();
        }
        return none;
    }

    private CompletableFuture<RobotsRules> entry(String origin) {
        lock.lock();
        try {
            return byOrigin.get(origin);
        } finally {
            lock.unlock();
        }
    }

    private void forget(String origin, CompletableFuture<RobotsRules> mine) {
        lock.lock();
        try {
            byOrigin.remove(origin, mine);
        } finally {
            lock.unlock();
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}

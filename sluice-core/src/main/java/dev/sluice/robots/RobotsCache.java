package dev.sluice.robots;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.sluice.fetch.Attempt;

import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The robots.txt rules of the origins a run meets ({@code --respect-robots}), each fetched once. While one
 * fetch thread fetches an origin's robots.txt, the others that need it wait for that fetch instead of
 * sending their own. A transient failure is not remembered, so a later URL tries again.
 *
 * <p>Thread-safe (a Guava cache, bounded so a crawl over very many hosts stays bounded in memory; an
 * evicted origin's robots.txt is fetched again if it comes back).
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

        Unavailable(Attempt.Failure failure) {
            super(failure.detail(), null, false, false);
            this.failure = failure;
        }

        public Attempt.Failure failure() {
            return failure;
        }
    }

    private final Cache<String, RobotsRules> rules = CacheBuilder.newBuilder().maximumSize(ORIGINS_KEPT).build();
    private final String agent;

    /** @param agent the product token matched against robots.txt groups ({@link RobotsRules#agentOf}) */
    public RobotsCache(String agent) {
        this.agent = agent;
    }

    /** The rules of {@code uri}'s origin if known, else null (no request is made). */
    public RobotsRules known(URI uri) {
        return rules.getIfPresent(origin(uri));
    }

    /** An origin's rules, and whether this thread fetched them (so it made a request to the host). */
    public record Loaded(RobotsRules rules, boolean fetchedHere) {
    }

    /**
     * The rules of {@code uri}'s origin, fetching its robots.txt with {@code fetch} if no one has yet, or
     * waiting for the fetch under way. {@code learnt} is told new rules before any other thread can see
     * them (so a Crawl-delay is in force before the first URL that obeys the rules is sent).
     */
    public Loaded load(URI uri, Fetch fetch, Consumer<RobotsRules> learnt) throws Unavailable, InterruptedException {
        URI robotsTxt = RobotsRules.robotsTxtOf(uri);
        boolean[] fetchedHere = {false}; // written by the loader, which runs on this thread
        try {
            RobotsRules got = rules.get(origin(uri), () -> {
                fetchedHere[0] = true;
                Attempt attempt = fetch.fetch(robotsTxt);
                RobotsRules parsed = RobotsRules.of(robotsTxt, attempt, agent);
                if (parsed == null) {
                    throw new Unavailable((Attempt.Failure) attempt);
                }
                learnt.accept(parsed);
                return parsed;
            });
            return new Loaded(got, fetchedHere[0]);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Unavailable u) {
                throw u;
            }
            if (e.getCause() instanceof InterruptedException i) {
                throw i;
            }
            throw new IllegalStateException("loading " + robotsTxt + " failed", e.getCause());
        } catch (com.google.common.util.concurrent.UncheckedExecutionException e) {
            throw new IllegalStateException("loading " + robotsTxt + " failed", e.getCause());
        }
    }

    /** After every retry failed: the origin is unreachable, so everything on it is disallowed (RFC 9309). */
    public RobotsRules giveUp(URI uri, String detail) {
        RobotsRules none = RobotsRules.unreachable(RobotsRules.robotsTxtOf(uri), detail);
        rules.put(origin(uri), none);
        return none;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}

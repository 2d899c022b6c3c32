package dev.sluice.internal.robots;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.sluice.internal.fetch.Attempt;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What one origin's robots.txt says for us (RFC 9309), read by crawler-commons' parser (the one of
 * Apache Nutch and StormCrawler): which paths we may fetch, and the Crawl-delay. Immutable, thread-safe.
 *
 * <p>How the fetch of robots.txt turns into rules, as RFC 9309 §2.3.1 says: a 2xx body is parsed; a 4xx
 * ("unavailable") allows everything; a server error or a failure to reach it ("unreachable") disallows
 * everything. A transient failure is not turned into rules at all ({@link #of} returns null): the caller
 * tries again later instead of deciding a whole host on one bad answer.
 */
public final class RobotsRules {
    private final BaseRobotRules rules;
    private final String disallowedBecause;

    private RobotsRules(BaseRobotRules rules, String disallowedBecause) {
        this.rules = rules;
        this.disallowedBecause = disallowedBecause;
    }

    /**
     * The rules a fetch of {@code robotsTxt} gives for an agent whose product token is {@code agent}, or null
     * when the fetch failed transiently and should be tried again.
     */
    public static RobotsRules of(URI robotsTxt, Attempt fetched, String agent) {
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
        parser.setMaxCrawlDelay(Long.MAX_VALUE); // the caller caps it; the parser would disallow all above its own cap
        return switch (fetched) {
            case Attempt.Success s -> new RobotsRules(parser.parseContent(robotsTxt.toString(), s.body(),
                    s.contentType() == null ? "text/plain" : s.contentType(), List.of(agent)), "disallowed by " + robotsTxt);
            case Attempt.NotModified n -> throw new IllegalArgumentException("robots.txt is fetched unconditionally");
            case Attempt.Failure f when f.retryable() -> null;
            case Attempt.Failure f when f.httpStatus() != null && f.httpStatus() >= 400 && f.httpStatus() < 500 ->
                    new RobotsRules(parser.failedFetch(f.httpStatus()), "disallowed by " + robotsTxt);
            case Attempt.Failure f -> new RobotsRules(parser.failedFetch(503),
                    robotsTxt + " is unreachable (" + f.detail() + "): RFC 9309 says to assume complete disallow");
        };
    }

    /** Rules for a robots.txt that stayed unreachable through every retry: complete disallow. */
    public static RobotsRules unreachable(URI robotsTxt, String detail) {
        return new RobotsRules(new SimpleRobotRulesParser().failedFetch(503),
                robotsTxt + " is unreachable (" + detail + "): RFC 9309 says to assume complete disallow");
    }

    public boolean allows(URI uri) {
        return rules.isAllowed(uri.toString());
    }

    /** Why a URL it does not allow is skipped, for the row's detail. */
    public String disallowedBecause() {
        return disallowedBecause;
    }

    /** The Crawl-delay asked for, or null when none. */
    public Duration crawlDelay() {
        long ms = rules.getCrawlDelay();
        return ms == BaseRobotRules.UNSET_CRAWL_DELAY || ms <= 0 ? null : Duration.ofMillis(ms);
    }

    /** {@code scheme://host:port/robots.txt} for a URL. */
    public static URI robotsTxtOf(URI uri) {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/robots.txt");
    }

    /** The product token robots.txt groups are matched against: the User-Agent's first word, before any '/'. */
    public static String agentOf(String userAgent) {
        String token = userAgent.trim().split("[\\s/]", 2)[0];
        return token.isEmpty() ? "*" : token.toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.sluice;

import dev.sluice.spi.InputRequests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that shapes a run: limits, timeouts, retries, processing and storing. Immutable and
 * thread-safe; build one with {@link #builder()}, derive variants with {@link #toBuilder()}.
 * The defaults (stated on each builder method) are the CLI's defaults.
 *
 * <p>The policies wrap each other in this order, outermost first:
 * {@code retry(back-off) ( host: breaker, back-off, pace, slot ( global slot ( rate ( timeout ( fetch ))))) }.
 * A URL waiting for its host or out its back-off holds no slot.
 */
public record SluiceConfig(
        int concurrency,
        boolean adaptive,
        int perHost,
        HostKey hostKey,
        double ratePerSecond,
        double perHostRate,
        int breakerFailures,
        Duration breakerCooldown,
        boolean respectRobots,
        Duration timeout,
        long maxBodyBytes,
        int maxRedirects,
        List<Header> headers,
        int retries,
        Duration backoffBase,
        Duration backoffCap,
        Duration maxRetryAfter,
        int processThreads,
        Duration processTimeout,
        long processMemoryBytes,
        ResumeMode resumeMode,
        boolean storeBodies,
        Duration grace,
        int window,
        int writeBatchRows,
        Duration writeBatchDelay,
        Duration storeOutage,
        long maxRequests,
        InputRequests input) {

    /** Requests in flight to one host at once unless {@code perHost} says otherwise (see {@link Builder#perHost}). */
    public static final int DEFAULT_PER_HOST = 8;

    /** The User-Agent sent unless a header overrides it. */
    public static final String DEFAULT_USER_AGENT = "Sluice/0.1 (concurrent HTTP data pipeline)";

    /**
     * The Accept-Encoding sent unless a header overrides it: every content coding the fetcher decodes.
     * Bodies are stored, hashed, processed and limited ({@link #maxBodyBytes()}) decoded.
     */
    public static final String DEFAULT_ACCEPT_ENCODING = "gzip, deflate, br";

    /**
     * One request header, sent with every request. The value of a header that carries credentials is never
     * shown: not by {@link #toString()} (so neither by this config's), nor in a message.
     */
    public record Header(String name, String value) {
        /** What in a header's name (lower case) says that its value is a secret. */
        private static final List<String> CREDENTIAL_WORDS = List.of("auth", "cookie", "token", "secret", "key", "session",
                "passw", "signature", "credential");

        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP header name");
            }
        }

        /** Parses {@code "Name: value"}. */
        public static Header parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0) {
                // A credential header written without its colon would show its secret: only its name is shown.
                String name = text.strip().split("[\\s=]", 2)[0];
                throw new IllegalArgumentException("header '" + (isCredentialName(name) ? name + " …" : text)
                        + "' is not of the form 'Name: value'");
            }
            return new Header(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
        }

        /** Whether the value is a secret: see {@link #isCredentialName}. */
        public boolean credential() {
            return isCredentialName(name);
        }

        /**
         * Whether a header of this name carries a secret: {@code Authorization}, {@code Proxy-Authorization},
         * {@code Cookie}, {@code X-Api-Key}, {@code X-Auth-Token}, {@code X-Session-Id}, … (its name holds auth, cookie,
         * token, secret, key, session, passw, signature or credential). Better one harmless value hidden than a secret shown.
         */
        public static boolean isCredentialName(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return CREDENTIAL_WORDS.stream().anyMatch(lower::contains);
        }

        @Override
        public String toString() {
            return name + ": " + (credential() ? "***" : value);
        }
    }

    public SluiceConfig {
        headers = List.copyOf(headers);
    }

    /**
     * The cap on requests in flight to one host: {@code perHost} when set, else {@link #DEFAULT_PER_HOST}
     * (or, under an adaptive limit, the global cap); never above the global cap.
     */
    public int perHostLimit() {
        int cap = perHost > 0 ? perHost : adaptive ? concurrency : DEFAULT_PER_HOST;
        return Math.min(cap, concurrency);
    }

    /**
     * The headers every request carries: the default User-Agent and Accept-Encoding, each unless the
     * user's headers have one, then the user's.
     */
    public List<Header> effectiveHeaders() {
        List<Header> all = new ArrayList<>();
        if (!hasHeader("user-agent")) {
            all.add(new Header("User-Agent", DEFAULT_USER_AGENT));
        }
        if (!hasHeader("accept-encoding")) {
            all.add(new Header("Accept-Encoding", DEFAULT_ACCEPT_ENCODING));
        }
        all.addAll(headers);
        return all;
    }

    /** Whether the user's headers ({@code -H}) have one named {@code lowerCaseName}. */
    public boolean hasHeader(String lowerCaseName) {
        return headers.stream().anyMatch(h -> h.name().toLowerCase(Locale.ROOT).equals(lowerCaseName));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds a {@link SluiceConfig}. Not thread-safe. {@link #build()} validates every value, and is the one place
     * that does: a value it rejects is an {@link InvalidConfigException} naming the setting (as its method here is
     * named), the rule, and the value.
     */
    public static final class Builder {
        private int concurrency = 5;
        private boolean adaptive = false;
        private Integer perHost = null; // null: the default (see perHost)
        private HostKey hostKey = HostKey.HOST;
        private double ratePerSecond = 0;
        private double perHostRate = 0;
        private int breakerFailures = 5;
        private Duration breakerCooldown = Duration.ofSeconds(30);
        private boolean respectRobots = false;
        private Duration timeout = Duration.ofSeconds(10);
        private long maxBodyBytes = 16L << 20;
        private int maxRedirects = 5;
        private List<Header> headers = List.of();
        private int retries = 3;
        private Duration backoffBase = Duration.ofMillis(250);
        private Duration backoffCap = Duration.ofSeconds(30);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private int processThreads = Runtime.getRuntime().availableProcessors();
        private Duration processTimeout = Duration.ofSeconds(10);
        private long processMemoryBytes = 1L << 30;
        private ResumeMode resumeMode = ResumeMode.SKIP_DONE;
        private boolean storeBodies = false;
        private Duration grace = Duration.ofSeconds(10);
        private int window = 0;
        private int writeBatchRows = 1000;
        private Duration writeBatchDelay = Duration.ofMillis(100);
        private Duration storeOutage = Duration.ofSeconds(60);
        private long maxRequests = -1;
        private InputRequests input = InputRequests.urls();

        private Builder() {
        }

        private Builder(SluiceConfig c) {
            concurrency = c.concurrency;
            adaptive = c.adaptive;
            perHost = c.perHost > 0 ? c.perHost : null;
            hostKey = c.hostKey;
            ratePerSecond = c.ratePerSecond;
            perHostRate = c.perHostRate;
            breakerFailures = c.breakerFailures;
            breakerCooldown = c.breakerCooldown;
            respectRobots = c.respectRobots;
            timeout = c.timeout;
            maxBodyBytes = c.maxBodyBytes;
            maxRedirects = c.maxRedirects;
            headers = c.headers;
            retries = c.retries;
            backoffBase = c.backoffBase;
            backoffCap = c.backoffCap;
            maxRetryAfter = c.maxRetryAfter;
            processThreads = c.processThreads;
            processTimeout = c.processTimeout;
            processMemoryBytes = c.processMemoryBytes;
            resumeMode = c.resumeMode;
            storeBodies = c.storeBodies;
            grace = c.grace;
            window = c.window;
            writeBatchRows = c.writeBatchRows;
            writeBatchDelay = c.writeBatchDelay;
            storeOutage = c.storeOutage;
            maxRequests = c.maxRequests;
            input = c.input;
        }

        /** Most requests in flight at once, over all hosts; under {@link #adaptive} the ceiling. Default 5. */
        public Builder concurrency(int n) { concurrency = n; return this; }

        /**
         * Each host's in-flight limit follows the server (see {@code AdaptiveLimit}), between 1 and the
         * per-host cap, which defaults to the global cap. Default false.
         */
        public Builder adaptive(boolean b) { adaptive = b; return this; }

        /**
         * Most requests in flight at once to one host, at least 1. Unset, the default: {@value SluiceConfig#DEFAULT_PER_HOST}
         * (Scrapy's default too: a browser opens 6 connections to a host, so 8 is a load no site notices),
         * or the global cap under {@link #adaptive}; the record's {@link SluiceConfig#perHost()} is then 0.
         */
        public Builder perHost(int n) { perHost = n; return this; }

        /** What counts as one host for the per-host limits. Default {@link HostKey#HOST}. */
        public Builder hostKey(HostKey k) { hostKey = k; return this; }

        /** Most requests started per second over all hosts (smooth); 0 = unlimited. Default 0. */
        public Builder ratePerSecond(double r) { ratePerSecond = r; return this; }

        /** Most requests started per second to one host (smooth); 0 = unlimited. Default 0. */
        public Builder perHostRate(double r) { perHostRate = r; return this; }

        /**
         * After this many requests in a row could not reach a host (connect failures, timeouts), its URLs fail
         * at once with {@code host_down} until a probe gets through; 0 = never. Default 5.
         */
        public Builder breakerFailures(int n) { breakerFailures = n; return this; }

        /** How long a host that is down is left alone before one probe tries it again. Default 30 s. */
        public Builder breakerCooldown(Duration d) { breakerCooldown = d; return this; }

        /** Fetch each host's robots.txt first; skip what it disallows, pace by its Crawl-delay. Default false. */
        public Builder respectRobots(boolean b) { respectRobots = b; return this; }

        /** Bound on one attempt: connect, headers and the whole body. Default 10 s. */
        public Builder timeout(Duration d) { timeout = d; return this; }

        /** Bodies larger than this once decoded (gzip, deflate, br) fail with {@code too_large}. Default 16 MiB. */
        public Builder maxBodyBytes(long n) { maxBodyBytes = n; return this; }

        /** Redirects followed per attempt. Default 5. */
        public Builder maxRedirects(int n) { maxRedirects = n; return this; }

        /**
         * Extra request headers; a User-Agent or Accept-Encoding here replaces the default one (an
         * Accept-Encoding that lets in a coding other than gzip, deflate or br makes such bodies fail).
         * Default none.
         */
        public Builder headers(List<Header> h) { headers = h; return this; }

        /** Retries after the first attempt, for transient failures only. Default 3. */
        public Builder retries(int n) { retries = n; return this; }

        /** First back-off bound; it doubles per retry up to the cap, with full jitter. Default 250 ms. */
        public Builder backoffBase(Duration d) { backoffBase = d; return this; }

        /** Largest back-off bound. Default 30 s. */
        public Builder backoffCap(Duration d) { backoffCap = d; return this; }

        /** A server's Retry-After is honoured up to this. Default 60 s. */
        public Builder maxRetryAfter(Duration d) { maxRetryAfter = d; return this; }

        /** Platform threads of the CPU stage. Default: the number of cores. */
        public Builder processThreads(int n) { processThreads = n; return this; }

        /** Longest the processing of one body (hash and processor) may take; past it the URL fails. Default 10 s. */
        public Builder processTimeout(Duration d) { processTimeout = d; return this; }

        /**
         * Most bytes the processing of one body may allocate (what it keeps is part of that); past it the URL fails.
         * Default 1 GiB (the CLI's: 1 GiB, or less so that the processing threads together take at most half the heap).
         */
        public Builder processMemoryBytes(long n) { processMemoryBytes = n; return this; }

        /** Which URLs with a stored row are fetched again. Default {@link ResumeMode#SKIP_DONE}. */
        public Builder resumeMode(ResumeMode m) { resumeMode = m; return this; }

        /** Keep raw bodies in the store. Default false. */
        public Builder storeBodies(boolean b) { storeBodies = b; return this; }

        /** On stop, how long in-flight requests may take to finish before they are aborted. Default 10 s. */
        public Builder grace(Duration d) { grace = d; return this; }

        /**
         * Most URLs admitted and not yet stored (in flight, backing off, processing, or waiting for the
         * writer): bounds memory. Default 0 = max(4096, 16 × concurrency).
         */
        public Builder window(int n) { window = n; return this; }

        /** The writer commits after this many rows... Default 1000. */
        public Builder writeBatchRows(int n) { writeBatchRows = n; return this; }

        /** ...or when the oldest waiting row is this old. Default 100 ms. */
        public Builder writeBatchDelay(Duration d) { writeBatchDelay = d; return this; }

        /**
         * How long the database may fail in a row (a restart, a network cut) before the run stops: until then
         * storing and claiming are retried with back-off while fetched results wait in the bounded queues. Default 60 s.
         */
        public Builder storeOutage(Duration d) { storeOutage = d; return this; }

        /**
         * The most requests the frontier may hold ({@code --max-requests}), over the whole job (what earlier runs put
         * in it counts): discovered requests beyond it are dropped; the input is never cut. -1 (default): no limit.
         */
        public Builder maxRequests(long n) { maxRequests = n; return this; }

        /**
         * How the input's lines are read as requests ({@code --input-format}, {@code --method}, {@code --data}).
         * Default: every line a URL to GET.
         */
        public Builder input(InputRequests r) { input = r; return this; }

        public SluiceConfig build() {
            atLeast("concurrency", concurrency, 1);
            if (perHost != null) {
                atLeast("perHost", perHost, 1);
            }
            Objects.requireNonNull(hostKey, "hostKey");
            rate("ratePerSecond", ratePerSecond);
            rate("perHostRate", perHostRate);
            atLeast("breakerFailures", breakerFailures, 0);
            positive("breakerCooldown", breakerCooldown);
            positive("timeout", timeout);
            if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
                throw new InvalidConfigException("maxBodyBytes", "must be at least 1 byte and below 2GiB", maxBodyBytes + " bytes");
            }
            atLeast("maxRedirects", maxRedirects, 0);
            atLeast("retries", retries, 0);
            positive("backoffBase", backoffBase);
            positive("backoffCap", backoffCap);
            if (backoffCap.compareTo(backoffBase) < 0) {
                throw new InvalidConfigException("backoffCap", "must be at least backoffBase (" + shown(backoffBase) + ")", shown(backoffCap));
            }
            positive("maxRetryAfter", maxRetryAfter);
            atLeast("processThreads", processThreads, 1);
            positive("processTimeout", processTimeout);
            if (processMemoryBytes < 1) {
                throw new InvalidConfigException("processMemoryBytes", "must be at least 1 byte", processMemoryBytes + " bytes");
            }
            Objects.requireNonNull(resumeMode, "resumeMode");
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new InvalidConfigException("grace", "must not be negative", shown(grace));
            }
            atLeast("window", window, 0);
            atLeast("writeBatchRows", writeBatchRows, 1);
            positive("writeBatchDelay", writeBatchDelay);
            positive("storeOutage", storeOutage);
            if (maxRequests < -1) {
                throw new InvalidConfigException("maxRequests", "must be at least 0, or -1 for no limit", Long.toString(maxRequests));
            }
            Objects.requireNonNull(input, "input");
            int effectiveWindow = window > 0 ? window : Math.max(4096, 16 * concurrency);
            return new SluiceConfig(concurrency, adaptive, perHost == null ? 0 : perHost, hostKey, ratePerSecond, perHostRate,
                    breakerFailures, breakerCooldown, respectRobots, timeout, maxBodyBytes, maxRedirects,
                    headers, retries, backoffBase, backoffCap, maxRetryAfter, processThreads, processTimeout,
                    processMemoryBytes, resumeMode,
                    storeBodies, grace, effectiveWindow, writeBatchRows, writeBatchDelay, storeOutage, maxRequests, input);
        }

        private static void rate(String name, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                String shown = value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
                throw new InvalidConfigException(name, "must be a number of requests per second, 0 (unlimited) or more", shown);
            }
        }

        private static void atLeast(String name, int value, int min) {
            if (value < min) {
                throw new InvalidConfigException(name, "must be at least " + min, Integer.toString(value));
            }
        }

        private static void positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigException(name, "must be longer than 0", shown(d));
            }
        }

        /** A duration as the CLI writes one ({@code 0s}, {@code 250ms}), when it is whole milliseconds; else ISO-8601. */
        private static String shown(Duration d) {
            if (d.getNano() % 1_000_000 != 0 || Math.abs(d.getSeconds()) > 1_000_000_000L) {
                return d.toString();
            }
            long ms = d.toMillis();
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }
}

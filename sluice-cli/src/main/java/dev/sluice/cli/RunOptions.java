package dev.sluice.cli;

import dev.sluice.spi.InputRequests;
import dev.sluice.HostKey;
import dev.sluice.Processor;
import dev.sluice.ResumeMode;
import dev.sluice.SluiceConfig;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.DiscoveryOptions;
import dev.sluice.Scope;
import dev.sluice.internal.process.JqProcessor;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The flags that shape a run, shared by {@code run} and {@code demo}; turned into a {@link SluiceConfig}. */
final class RunOptions {
    @Option(names = "--db", paramLabel = "PATH|URL", defaultValue = "sluice.db",
            description = "SQLite database file (created if missing), or a PostgreSQL database shared by workers: "
                    + "postgresql://user@host:port/db (password from PGPASSWORD or the URL). Default: ${DEFAULT-VALUE}.")
    String db;

    @Mixin
    DbOutage outage;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N|auto[:N]", defaultValue = "5", converter = Concurrency.Converter.class,
            description = "Most requests in flight at once, over all hosts; 'auto' lets each host's limit follow the server "
                    + "(adaptive), up to N over all hosts (default " + Concurrency.AUTO_CEILING + "). Default: ${DEFAULT-VALUE}.")
    Concurrency concurrency;

    @Option(names = "--per-host", paramLabel = "N",
            description = "Most requests in flight to one host. Default: " + SluiceConfig.DEFAULT_PER_HOST
                    + " (with -c auto: the ceiling).")
    Integer perHost;

    @Option(names = "--per-host-key", paramLabel = "host|domain|ip", defaultValue = "host", converter = HostKeyConverter.class,
            description = "What counts as one host for the per-host limits: host name and port, registrable domain, "
                    + "or IP address. Default: ${DEFAULT-VALUE}.")
    HostKey hostKey;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "Most requests started per second, smoothly spaced; 0 = unlimited. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--per-host-rate", paramLabel = "R", defaultValue = "0",
            description = "Most requests started per second to one host, smoothly spaced; 0 = unlimited. Default: ${DEFAULT-VALUE}.")
    double perHostRate;

    @Option(names = "--max-retry-after", paramLabel = "DURATION", defaultValue = "60s", converter = Units.DurationConverter.class,
            description = "Longest wait honoured from a server: Retry-After (on 429/503 for the whole host) and robots.txt "
                    + "Crawl-delay. Default: ${DEFAULT-VALUE}.")
    Duration maxRetryAfter;

    @Option(names = "--breaker", paramLabel = "K", defaultValue = "5",
            description = "After K requests in a row cannot reach a host (connect failures, timeouts), its URLs fail at once "
                    + "with host_down until a probe gets through; 0 = never. Default: ${DEFAULT-VALUE}.")
    int breaker;

    @Option(names = "--breaker-cooldown", paramLabel = "DURATION", defaultValue = "30s", converter = Units.DurationConverter.class,
            description = "How long a host that is down is left alone before one probe. Default: ${DEFAULT-VALUE}.")
    Duration breakerCooldown;

    @Option(names = "--respect-robots",
            description = "Fetch each host's robots.txt first; skip what it disallows (error robots), pace by its Crawl-delay.")
    boolean respectRobots;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Units.DurationConverter.class,
            description = "Bound on each attempt: connect, headers and the whole body (500ms, 10s, 2m). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "16MiB", converter = Units.SizeConverter.class,
            description = "Larger bodies fail with too_large (512KiB, 16MiB, 1GiB). Default: 16MiB.")
    long maxBody;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Retries for transient failures (connect, reset, truncated, timeout, 408/425/429/500/502/503/504). Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--process-threads", paramLabel = "N",
            description = "Threads for CPU work (hashing, --jq). Default: the number of cores.")
    Integer processThreads;

    @Option(names = "--process-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Units.DurationConverter.class,
            description = "Longest the processing of one body may take; past it the URL fails with process. Default: ${DEFAULT-VALUE}.")
    Duration processTimeout;

    @Option(names = "--process-memory", paramLabel = "SIZE", converter = Units.SizeConverter.class,
            description = "Most memory the processing of one body may allocate; past it the URL fails with process. "
                    + "Default: 1GiB, or less so that the processing threads together take at most half the heap.")
    Long processMemory;

    @Option(names = "--jq", paramLabel = "EXPR",
            description = "jq expression run on each JSON body; every value it emits is a row of 'records' (with --table: "
                    + "a row of the table).")
    String jq;

    @Mixin
    TableOptions tables;

    @Option(names = "--paginate", paramLabel = "KIND",
            description = "Follow the pages of each response (repeatable): header-link (Link: rel=\"next\"), json-link:JQ "
                    + "(a next URL in the body), cursor:JQ=PARAM (a token put in a query parameter), "
                    + "offset:PARAM,limit=N[,total=TOTAL], page:PARAM[,start=N][,per=N][,total=TOTAL] (TOTAL: jq on the body, "
                    + "or header:NAME). A chain stops at an empty page, a "
                    + "missing link, the total, or --max-pages.")
    List<String> paginate = new ArrayList<>();

    @Option(names = "--follow", paramLabel = "JQ",
            description = "jq expression on each JSON body (repeatable): every string it emits is a URL to fetch too "
                    + "(relative ones resolved against the response), every {\"url\": …} object a request.")
    List<String> follow = new ArrayList<>();

    @Option(names = "--follow-links", paramLabel = "CSS", arity = "0..1", fallbackValue = "a[href]",
            description = "Fetch the links of each HTML body: the href (or src) of the elements the CSS selector picks "
                    + "(default a[href]; give another as --follow-links='CSS'), within --scope.")
    String followLinks;

    @Option(names = "--scope", paramLabel = "same-host|same-domain|same-origin|all", defaultValue = "same-host",
            converter = ScopeConverter.class,
            description = "Which links --follow-links keeps, relative to the page they are on. Default: ${DEFAULT-VALUE}.")
    Scope scope;

    @Option(names = "--include", paramLabel = "GLOB|re:REGEX",
            description = "Follow only links matching one of these (repeatable): a glob over the whole URL (* any text, ? one "
                    + "character), or re: and a regular expression found anywhere in it.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB|re:REGEX", description = "Never follow links matching one of these (repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "-1",
            description = "Discover nothing deeper than N requests from the input (the input is depth 0); -1 = no limit. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxDepth;

    @Option(names = "--max-pages", paramLabel = "N", defaultValue = "-1",
            description = "At most N pages per pagination chain (its first page included); -1 = no limit. Default: ${DEFAULT-VALUE}.")
    int maxPages;

    @Option(names = "--max-requests", paramLabel = "N", defaultValue = "-1",
            description = "Discover no more once the frontier holds N requests (the input is never cut); -1 = no limit. "
                    + "Default: ${DEFAULT-VALUE}.")
    long maxRequests;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Extra request header (repeatable). A User-Agent here replaces the default. The values of "
                    + "Authorization, Proxy-Authorization, Cookie and X-Api-Key are never logged or printed.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--store-body", description = "Also keep raw bodies (table 'bodies').")
    boolean storeBody;

    @Option(names = "--retry-failed", description = "Fetch again the URLs whose stored row is failed.")
    boolean retryFailed;

    @Option(names = "--refetch", description = "Fetch every URL again, even those stored ok.")
    boolean refetch;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s", converter = Units.DurationConverter.class,
            description = "On SIGINT/SIGTERM, how long requests in flight and bodies being processed may take to finish. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(names = "--no-progress", description = "No live progress line, even on a terminal.")
    boolean noProgress;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics at http://BIND:PORT/metrics "
            + "while the command runs (names in docs/operations.md). Default: off.")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address --metrics-port listens on: ${DEFAULT-VALUE} (this machine only) unless given, e.g. 0.0.0.0.")
    String metricsBind;

    /** Where to serve metrics, or null when not asked for. */
    MetricsEndpoint metrics(CommandLine cmd) {
        if (metricsPort == null) {
            return null;
        }
        if (metricsPort < 1 || metricsPort > 65_535) {
            throw new CommandLine.ParameterException(cmd, "--metrics-port: must be a port, 1 to 65535 (was " + metricsPort + ")");
        }
        return new MetricsEndpoint(metricsBind, metricsPort);
    }

    /** The run's configuration; a bad value or combination is a usage error naming the option ({@link ConfigOptions}). */
    SluiceConfig config(CommandLine cmd) {
        return ConfigOptions.build(cmd, builder(cmd));
    }

    /** The same, its input lines read by {@code input}. */
    SluiceConfig config(CommandLine cmd, InputRequests input) {
        return ConfigOptions.build(cmd, builder(cmd).input(input));
    }

    private SluiceConfig.Builder builder(CommandLine cmd) {
        if (retryFailed && refetch) {
            throw new CommandLine.ParameterException(cmd, "--retry-failed and --refetch exclude each other (--refetch already fetches the failed ones)");
        }
        List<SluiceConfig.Header> parsed = new ArrayList<>();
        for (String h : headers) {
            try {
                parsed.add(SluiceConfig.Header.parse(h));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--header: " + e.getMessage());
            }
        }
        SluiceConfig.Builder b = SluiceConfig.builder()
                .concurrency(concurrency.ceiling())
                .adaptive(concurrency.adaptive())
                .hostKey(hostKey)
                .ratePerSecond(rate)
                .perHostRate(perHostRate)
                .maxRetryAfter(maxRetryAfter)
                .breakerFailures(breaker)
                .breakerCooldown(breakerCooldown)
                .respectRobots(respectRobots)
                .timeout(timeout)
                .maxBodyBytes(maxBody)
                .retries(retries)
                .processTimeout(processTimeout)
                .headers(parsed)
                .storeBodies(storeBody)
                .grace(grace)
                .storeOutage(outage.limit)
                .maxRequests(maxRequests)
                .resumeMode(refetch ? ResumeMode.REFETCH : retryFailed ? ResumeMode.RETRY_FAILED : ResumeMode.SKIP_DONE);
        if (perHost != null) {
            b.perHost(perHost);
        }
        if (processThreads != null) {
            b.processThreads(processThreads);
        }
        int threads = processThreads != null ? processThreads : Runtime.getRuntime().availableProcessors();
        if (processMemory != null) {
            b.processMemoryBytes(processMemory);
        } else if (threads >= 1) { // else the builder rejects --process-threads
            b.processMemoryBytes(defaultProcessMemory(threads, Runtime.getRuntime().maxMemory()));
        }
        return b;
    }

    /**
     * 1 GiB per body, or less so that {@code threads} bodies being processed at once take at most half the heap
     * (the other half is for the bodies in flight and queued, and the rest of the pipeline); at least 64 MiB.
     */
    static long defaultProcessMemory(int threads, long maxHeap) {
        long share = (maxHeap / 2 / threads) >> 20 << 20; // in whole MiB
        return Math.max(64L << 20, Math.min(1L << 30, share));
    }

    /** The processor: the jq expression when given without --table (which takes it), else none. A bad expression is a usage error. */
    Processor processor(CommandLine cmd) {
        if (jq == null || tables.table != null) {
            return Processor.NONE;
        }
        try {
            return JqProcessor.compile(jq);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--jq: " + e.getMessage());
        }
    }

    /** The typed table asked for ({@code --table} and its flags, with {@code --jq}), or null; checked when the Sluice is built. */
    dev.sluice.TableSpec table(CommandLine cmd) {
        dev.sluice.TableSpec spec = tables.spec(cmd, jq);
        if (spec != null && spec.write() == dev.sluice.TableSpec.WriteMode.REPLACE && retryFailed) {
            throw new CommandLine.ParameterException(cmd, "--write replace fetches every request again; --retry-failed "
                    + "fetches only the failed ones");
        }
        return spec;
    }

    /** The discovery rules, checked now: a bad spec, jq expression, selector or pattern is a usage error naming it. */
    DiscoveryOptions discovery(CommandLine cmd) {
        if (followLinks != null && !followLinks.equals("a[href]") && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(followLinks))) {
            throw new CommandLine.ParameterException(cmd, "--follow-links took the file '" + followLinks + "' as its CSS selector: "
                    + "give the input first (run " + followLinks + " --follow-links), or the selector as --follow-links='CSS'");
        }
        try {
            DiscoveryOptions options = new DiscoveryOptions(paginate, follow, followLinks, scope, include, exclude, maxDepth, maxPages);
            Discovery.compile(options);
            return options;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /** same-host, same-domain, same-origin or all, in any case. */
    static final class ScopeConverter implements CommandLine.ITypeConverter<Scope> {
        @Override
        public Scope convert(String value) {
            try {
                return Scope.parse(value.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of same-host, same-domain, same-origin, all");
            }
        }
    }

    /** {@code host}, {@code domain} or {@code ip}, in any case. */
    static final class HostKeyConverter implements CommandLine.ITypeConverter<HostKey> {
        @Override
        public HostKey convert(String value) {
            try {
                return HostKey.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of host, domain, ip");
            }
        }
    }
}

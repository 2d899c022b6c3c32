package dev.sluice;

import dev.sluice.spi.Frontier;
import dev.sluice.spi.Store;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.internal.extract.Extractor;
import dev.sluice.internal.fetch.HttpFetcher;
import dev.sluice.internal.pipeline.Pipeline;
import dev.sluice.internal.process.Tables;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The pipeline as a library: fetch many URLs concurrently, process each body on a bounded CPU pool,
 * store every outcome through one batching writer.
 *
 * <pre>{@code
 * try (Sluice sluice = Sluice.builder()
 *         .config(SluiceConfig.builder().concurrency(50).build())
 *         .processor(Processor.jq(".items[]"))
 *         .build();
 *      Store store = Sqlite.open(Path.of("results.db"))) {
 *     RunSummary summary = sluice.run(store, InputSource.ofLines(urls));
 * }
 * }</pre>
 *
 * <p>A Sluice owns its HTTP client (connections are kept alive from one run to the next); the client
 * starts in the background as soon as the Sluice is built, while the caller opens its store.
 * {@link #close()} ends it. Each run's own threads end before {@link #run} returns.
 *
 * <p>Thread-safe: one run at a time ({@link #run} blocks its caller); {@link #stop} and
 * {@link #progress} from any thread.
 */
public final class Sluice implements AutoCloseable {
    private final SluiceConfig config;
    private final Processor processor;
    /** The typed table rows go to; null: none. */
    private final Tables tables;
    private final Discovery discovery;
    private final Clock clock;
    private final String command;
    private final dev.sluice.RunObserver observer;
    private final CompletableFuture<HttpFetcher> fetcher;
    private final AtomicReference<Pipeline> current = new AtomicReference<>();
    /** Set by a stop() that found no run: the next run stops at once (a signal can arrive just before a run starts). */
    private volatile boolean stopBeforeRun;

    private Sluice(Builder b) {
        this.config = b.config;
        this.processor = b.processor;
        this.tables = b.tables;
        this.discovery = b.discovery;
        this.clock = b.clock;
        this.command = b.command;
        this.observer = b.observer;
        this.fetcher = new CompletableFuture<>();
        SSLContext tls = b.sslContext;
        Thread.ofVirtual().name("sluice-http-start").start(() -> {
            try {
                fetcher.complete(tls == null ? new HttpFetcher(config, clock) : new HttpFetcher(config, clock, tls));
            } catch (Throwable t) {
                fetcher.completeExceptionally(t);
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    public SluiceConfig config() {
        return config;
    }

    /**
     * Runs over {@code source} into {@code store} until the source ends and every URL (with what the responses
     * discovered) is stored, or {@link #stop} is called.
     */
    public RunSummary run(Store store, InputSource source) throws StoreException, IOException, InterruptedException {
        return run(store, source, -1);
    }

    /**
     * As {@link #run(Store, InputSource)}, with the number of URL lines expected (for progress), or -1.
     *
     * @throws StoreException when the store failed for good; rows committed before stay
     * @throws IOException    when the input could not be read; rows committed before stay
     */
    public RunSummary run(Store store, InputSource source, long expectedLines)
            throws StoreException, IOException, InterruptedException {
        Objects.requireNonNull(store, "store");
        try (Frontier frontier = store.frontier()) {
            return run(frontier, source, expectedLines);
        }
    }

    /**
     * As {@link #run(Store, InputSource, long)}, on a frontier the caller opened (e.g. a PostgreSQL queue joined with
     * a lease of its choosing): loads {@code source} into it and works on it meanwhile, until the input is loaded
     * and the frontier drained. URLs claimed and not finished go back to the frontier at the end.
     */
    public RunSummary run(Frontier frontier, InputSource source, long expectedLines)
            throws StoreException, IOException, InterruptedException {
        Objects.requireNonNull(frontier, "frontier");
        Objects.requireNonNull(source, "source");
        Pipeline pipeline = new Pipeline(config, frontier, processor, tables, discovery, clock, command, observer);
        pipeline.expectTotal(expectedLines);
        return inTurn(pipeline, () -> pipeline.run(source, httpFetcher()));
    }

    /**
     * Works as one of the workers of a shared queue: claims URLs, fetches, processes and stores them until
     * the queue is drained (nothing queued, nothing leased by any worker) while {@code moreComing} is false,
     * or {@link #stop} is called. URLs claimed and not finished go back to the queue at the end.
     *
     * @throws StoreException when the database failed for longer than {@link SluiceConfig#storeOutage()}
     */
    public RunSummary work(Frontier queue, BooleanSupplier moreComing) throws StoreException, InterruptedException {
        Objects.requireNonNull(queue, "queue");
        if (tables != null && tables.schema().spec().write() == TableSpec.WriteMode.REPLACE) {
            throw new InvalidConfigException("write", "replace is for a run, which fetches every request of its input "
                    + "again; a worker works on what was queued", "replace");
        }
        Pipeline pipeline = new Pipeline(config, queue, processor, tables, discovery, clock, command, observer);
        try {
            return inTurn(pipeline, () -> pipeline.work(httpFetcher(), moreComing));
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private interface PipelineRun {
        RunSummary run() throws StoreException, IOException, InterruptedException;
    }

    /** Runs {@code body} as the current run: one at a time; a stop that came just before applies. */
    private RunSummary inTurn(Pipeline pipeline, PipelineRun body) throws StoreException, IOException, InterruptedException {
        if (!current.compareAndSet(null, pipeline)) {
            throw new IllegalStateException("a run is already in progress on this Sluice");
        }
        if (stopBeforeRun) {
            pipeline.stop();
        }
        try {
            return body.run();
        } finally {
            current.set(null);
            stopBeforeRun = false; // consumed by this run
        }
    }

    private HttpFetcher httpFetcher() throws InterruptedException {
        try {
            return fetcher.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the HTTP client could not start", e.getCause());
        }
    }

    /**
     * Stops the current run gracefully (see {@link SluiceConfig#grace()}). Called when no run is in
     * progress, it makes the next run stop at once.
     */
    public void stop() {
        stopBeforeRun = true;
        Pipeline p = current.get();
        if (p != null) {
            p.stop();
        }
    }

    /** The current run's progress, or null when none runs. */
    public Progress progress() {
        Pipeline p = current.get();
        return p == null ? null : p.progress();
    }

    /** Ends the HTTP client and its threads. Call it when no run is in progress. */
    @Override
    public void close() {
        try {
            fetcher.join().close();
        } catch (java.util.concurrent.CompletionException neverStarted) {
            // nothing to end; run() already reported why
        }
    }

    /** Builds a {@link Sluice}. Not thread-safe. */
    public static final class Builder {
        private SluiceConfig config = SluiceConfig.builder().build();
        private Processor processor = Processor.NONE;
        private Tables tables;
        private Discovery discovery = Discovery.NONE;
        private Clock clock = Clock.systemUTC();
        /** Null: the JDK's default trust, loaded on the first https connection. */
        private SSLContext sslContext;
        private String command;
        private dev.sluice.RunObserver observer = dev.sluice.RunObserver.NONE;

        private Builder() {
        }

        /** Default: {@code SluiceConfig.builder().build()}. */
        public Builder config(SluiceConfig c) {
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** Default: {@link Processor#NONE}. */
        public Builder processor(Processor p) {
            processor = Objects.requireNonNull(p, "processor");
            return this;
        }

        /**
         * The typed table each response's rows go to ({@code --table}): its fields are extracted on the CPU pool
         * after the processor, and its rows, child rows and rejects commit with the response's result. Default: none.
         * With {@link TableSpec.WriteMode#REPLACE}, the rows go to its staged table until the run has done its work.
         *
         * @throws InvalidConfigException naming the setting ({@code extract}, {@code rows}, {@code jq}) and what was
         *                                written when a field or selector does not compile
         */
        public Builder table(TableSpec spec) {
            Objects.requireNonNull(spec, "spec");
            tables = Extractor.tables(spec.write() == TableSpec.WriteMode.REPLACE ? spec.staged() : spec);
            return this;
        }

        /**
         * The rules that find new requests in responses (pagination, followed URLs, links), run after the processor
         * on the CPU pool; what they find joins the frontier in the transaction that stores the response's result.
         * Default: none.
         *
         * @throws IllegalArgumentException naming the option and its value when a rule does not compile (an unknown
         *                                  pagination kind, bad jq, a bad CSS selector, regex or glob)
         */
        public Builder discovery(DiscoveryOptions options) {
            discovery = Discovery.compile(Objects.requireNonNull(options, "options"));
            return this;
        }

        /** Wall clock for fetched_at and Retry-After dates. Default: system UTC. */
        public Builder clock(Clock c) {
            clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * The TLS context of https connections: its trust managers decide which servers are trusted (e.g.
         * a private CA), its key managers which client certificate is shown. Host names are verified
         * either way. Default: the JDK's default trust store, loaded on the first https connection.
         */
        public Builder sslContext(SSLContext c) {
            sslContext = Objects.requireNonNull(c, "sslContext");
            return this;
        }

        /**
         * The command line that started the runs, recorded with each of them (column {@code runs.command}) with its
         * secrets masked ({@link Secrets#commandLine}). Default: none.
         */
        public Builder command(String program, java.util.List<String> args) {
            command = Secrets.commandLine(Objects.requireNonNull(program, "program"), Objects.requireNonNull(args, "args"));
            return this;
        }

        /**
         * Told what every run's requests meet, as they go (e.g. {@link dev.sluice.internal.metrics.SluiceMetrics}). Default: none.
         */
        public Builder observer(dev.sluice.RunObserver o) {
            observer = Objects.requireNonNull(o, "observer");
            return this;
        }

        /** Builds the Sluice and starts its HTTP client in the background. */
        public Sluice build() {
            if (tables != null && tables.schema().spec().write() == TableSpec.WriteMode.REPLACE
                    && config.resumeMode() == ResumeMode.RETRY_FAILED) {
                throw new InvalidConfigException("write", "replace fetches every request again; it does not go with "
                        + "retrying only the failed ones", "replace");
            }
            return new Sluice(this);
        }
    }
}

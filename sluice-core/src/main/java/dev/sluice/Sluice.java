package dev.sluice;

import dev.sluice.pipeline.Pipeline;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline as a library: fetch many URLs concurrently, process each body on a bounded CPU pool,
 * store every outcome through one batching writer.
 *
 * <pre>{@code
 * try (Store store = SqliteStore.open(Path.of("results.db"))) {
 *     Sluice sluice = Sluice.builder(store)
 *             .config(SluiceConfig.builder().concurrency(50).build())
 *             .processor(JqProcessor.compile(".items[]"))
 *             .build();
 *     RunSummary summary = sluice.run(LineSource.ofLines(urls));
 * }
 * }</pre>
 *
 * <p>Thread-safe: one run at a time ({@link #run} blocks its caller); {@link #stop} and
 * {@link #progress} from any thread. A run leaves no thread of its own behind when it returns.
 */
public final class Sluice {
    private final SluiceConfig config;
    private final Store store;
    private final Processor processor;
    private final Clock clock;
    private final AtomicReference<Pipeline> current = new AtomicReference<>();
    /** Set by a stop() that found no run: the next run stops at once (a signal can arrive just before a run starts). */
    private volatile boolean stopBeforeRun;

    private Sluice(Builder b) {
        this.config = b.config;
        this.store = b.store;
        this.processor = b.processor;
        this.clock = b.clock;
    }

    public static Builder builder(Store store) {
        return new Builder(store);
    }

    public SluiceConfig config() {
        return config;
    }

    /** Runs over {@code source} until it ends or {@link #stop} is called. */
    public RunSummary run(UrlSource source) throws StoreException, IOException, InterruptedException {
        return run(source, -1);
    }

    /**
     * As {@link #run(UrlSource)}, with the number of URL lines expected (for progress), or -1.
     *
     * @throws StoreException when the store failed for good; rows committed before stay
     * @throws IOException    when the input could not be read; rows committed before stay
     */
    public RunSummary run(UrlSource source, long expectedLines) throws StoreException, IOException, InterruptedException {
        Pipeline pipeline = new Pipeline(config, store, processor, clock);
        pipeline.expectTotal(expectedLines);
        if (!current.compareAndSet(null, pipeline)) {
            throw new IllegalStateException("a run is already in progress on this Sluice");
        }
        if (stopBeforeRun) {
            pipeline.stop();
        }
        try {
            return pipeline.run(source);
        } finally {
            current.set(null);
            stopBeforeRun = false; // consumed by this run
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

    /** Builds a {@link Sluice}. Not thread-safe. */
    public static final class Builder {
        private final Store store;
        private SluiceConfig config = SluiceConfig.builder().build();
        private Processor processor = Processor.NONE;
        private Clock clock = Clock.systemUTC();

        private Builder(Store store) {
            this.store = Objects.requireNonNull(store, "store");
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

        /** Wall clock for fetched_at and Retry-After dates. Default: system UTC. */
        public Builder clock(Clock c) {
            clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Sluice build() {
            return new Sluice(this);
        }
    }
}

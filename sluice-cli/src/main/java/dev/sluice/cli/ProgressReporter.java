package dev.sluice.cli;

import dev.sluice.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Shows a run's progress: on a terminal a live line redrawn 5 times a second, otherwise a log line
 * every 10 seconds. Runs on its own thread ({@code sluice-progress}), ended by {@link #close()}.
 * Any failure while reporting is logged and the reporter goes on (it must not die silently).
 */
final class ProgressReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("sluice.progress");

    private final Supplier<Progress> source;
    private final StatusLine line;        // null: log lines instead
    private final AtomicLong total;       // -1 while unknown; counted in the background
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("sluice-progress").daemon(true).unstarted(r));
    // Only the timer thread touches these:
    private long lastRequests;
    private long lastNanos;
    private double requestsPerSecond;

    ProgressReporter(Supplier<Progress> source, StatusLine line, AtomicLong total) {
        this.source = source;
        this.line = line;
        this.total = total;
        long period = line != null ? 200 : 10_000;
        timer.scheduleAtFixedRate(this::report, period, period, TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            Progress p = source.get();
            if (p == null) {
                return;
            }
            String text = format(p);
            if (line != null) {
                line.show(text);
            } else {
                log.info(text);
            }
        } catch (RuntimeException e) {
            log.warn("progress reporting failed: {}", e.toString());
        }
    }

    private String format(Progress p) {
        Progress withTotal = p.withTotal(total.get());
        long known = withTotal.total();
        double seconds = (p.elapsedNanos() - lastNanos) / 1e9;
        if (seconds > 0) {
            double instant = (p.requests() - lastRequests) / seconds;
            requestsPerSecond = lastNanos == 0 ? instant : 0.7 * requestsPerSecond + 0.3 * instant;
        }
        lastRequests = p.requests();
        lastNanos = p.elapsedNanos();
        StringBuilder b = new StringBuilder();
        if (known >= 0) {
            b.append(String.format(Locale.ROOT, "%,d/%,d (%d%%)", p.settled(), known,
                    known == 0 ? 100 : Math.min(100, p.settled() * 100 / known)));
        } else {
            b.append(String.format(Locale.ROOT, "%,d done", p.settled()));
        }
        b.append(String.format(Locale.ROOT, " · ok %,d · failed %,d · %,.0f req/s · %d in flight",
                p.ok(), p.failed(), requestsPerSecond, p.inFlight()));
        if (p.limit() >= 0) {
            b.append(String.format(Locale.ROOT, " (limit %d)", p.limit()));
        }
        if (p.discovered() > 0) {
            b.append(String.format(Locale.ROOT, " · discovered %,d", p.discovered()));
            if (known >= 0) { // what the input and the discoveries so far still ask for
                b.append(String.format(Locale.ROOT, " (%,d pending)", Math.max(0, known - p.settled())));
            }
        }
        long eta = withTotal.etaSeconds();
        if (eta >= 0) {
            b.append(String.format(Locale.ROOT, " · ETA %d:%02d", eta / 60, eta % 60));
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        if (line != null) {
            line.clear();
        }
    }
}

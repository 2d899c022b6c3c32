package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.RunSummary;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints a run's summary: counts per status and error, retries, latency percentiles, throughput, wall time. */
final class Summary {
    private Summary() {
    }

    static void print(RunSummary s, String where, PrintStream out) {
        out.println(s.stopped() ? "Stopped before the end (run the same command again to continue)." : "Done.");
        out.printf(Locale.ROOT, "  stored      %,d  (ok %,d, failed %,d)  in %s%n", s.stored(), s.ok(), s.failed(), Printable.of(where));
        if (s.unchanged() > 0) {
            out.printf(Locale.ROOT, "  unchanged   %,d of the ok  (304 Not Modified: stored data kept, fetch time updated)%n", s.unchanged());
        }
        if (!s.failedByError().isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, Long> e : s.failedByError().entrySet()) {
                b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%,d", e.getValue()));
            }
            out.println("  failed by   " + b);
        }
        if (s.skipped() + s.duplicates() + s.cancelled() > 0) {
            out.printf(Locale.ROOT, "  not fetched %,d already stored, %,d duplicate lines, %,d cancelled by the stop%n",
                    s.skipped(), s.duplicates(), s.cancelled());
        }
        if (!s.discovered().isEmpty()) {
            StringBuilder b = new StringBuilder();
            long all = 0;
            for (Map.Entry<String, Long> e : s.discovered().entrySet()) {
                b.append(b.isEmpty() ? "" : ", ").append("by ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%,d", e.getValue()));
                all += e.getValue();
            }
            out.printf(Locale.ROOT, "  discovered  %,d  (%s)%n", all, b);
        }
        out.printf(Locale.ROOT, "  requests    %,d  (%,d retries)%n", s.requests(), s.retries());
        RunSummary.Latency l = s.latencyMs();
        out.printf(Locale.ROOT, "  latency     p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n", l.p50(), l.p95(), l.p99(), l.max());
        out.printf(Locale.ROOT, "  throughput  %,.1f URLs/s over %.2f s%n", s.urlsPerSecond(), s.wall().toNanos() / 1e9);
        out.flush();
    }
}

package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.spi.Store;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints typed tables as they stand: rows, and per column its type, where it came from, its coverage and its rejects. */
final class TableLines {
    private TableLines() {
    }

    static void print(List<Store.TableStats> tables, PrintStream out) {
        for (Store.TableStats t : tables) {
            out.printf(Locale.ROOT, "table %s%s: %,d rows%s%n", Printable.of(t.table()),
                    t.parent() == null ? "" : " (child of " + Printable.of(t.parent()) + ")", t.rows(),
                    t.rejects() == 0 ? "" : String.format(Locale.ROOT, ", %,d rejected (table rejects)", t.rejects()));
            int width = t.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0);
            for (Store.ColumnStats c : t.columns()) {
                String coverage = t.rows() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * c.nonNull() / t.rows());
                out.printf(Locale.ROOT, "  %-" + width + "s  %-13s %-8s %7s filled%s%n", Printable.of(c.name()), c.dataType(),
                        c.declared() ? "declared" : "inferred", coverage,
                        c.rejects() == 0 ? "" : String.format(Locale.ROOT, ", %,d rejected", c.rejects()));
            }
        }
    }
}

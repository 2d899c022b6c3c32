package dev.sluice;

import java.util.List;

/**
 * What a response yields for the tables ({@code --table}): its rows, top-level and child, in order, and the values
 * rejected on the way. Immutable.
 */
public record Extraction(List<TableRow> rows, List<Rejected> rejects) {
    /** Nothing for the tables (no {@code --table}, or a failed response). */
    public static final Extraction NONE = new Extraction(List.of(), List.of());

    public Extraction {
        rows = List.copyOf(rows);
        rejects = List.copyOf(rejects);
    }

    public boolean isEmpty() {
        return rows.isEmpty() && rejects.isEmpty();
    }
}

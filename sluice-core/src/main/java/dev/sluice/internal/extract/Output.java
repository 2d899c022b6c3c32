package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.Rejected;
import dev.sluice.TableRow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one response yields, as it is made: its rows in order (a row before its children: its place is reserved
 * when it is numbered, filled when its columns are all known), the rejects, and each table's next row number (rows
 * are numbered per table across all parents, from 0). Used only by the thread extracting the response.
 */
final class Output {
    private final List<TableRow> rows = new ArrayList<>();
    private final List<Rejected> rejects = new ArrayList<>();
    private final Map<String, int[]> next = new HashMap<>();

    /** The next row number of {@code table} in this response. */
    int number(String table) {
        return next.computeIfAbsent(table, t -> new int[1])[0]++;
    }

    /** A place for a row whose children come before it is complete; {@link #fill} it. */
    int reserve() {
        rows.add(null);
        return rows.size() - 1;
    }

    void fill(int place, TableRow row) {
        rows.set(place, row);
    }

    void add(TableRow row) {
        rows.add(row);
    }

    void reject(Rejected r) {
        rejects.add(r);
    }

    Extraction extraction() {
        return new Extraction(rows, rejects);
    }
}

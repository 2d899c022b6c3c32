package dev.sluice.internal.extract;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A place in the JSON values of a table's rows, with its names worked out once: the column a scalar there goes to
 * ({@code a__b}, relative to the row of {@link #table}), and the child table a list there becomes. The JSON of one
 * API has the same few places in every response, so each key is named once per extractor, not once per value; the
 * places are shared by every CPU-pool thread (a concurrent map per place) and bounded in number: past the bound
 * (keys that are data, not names) a place is named anew each time, correct but not kept.
 */
final class JsonPath {
    /** How many places an extractor keeps. */
    static final int MAX_KEPT = 20_000;

    private final AtomicInteger room;
    /** The table whose rows hold this place's columns, as named and as it would be named without cutting. */
    final String table;
    private final String fullTable;
    /** The column, "" for the row itself; and the same before {@link Names#shorten}. */
    final String column;
    private final String fullColumn;
    private final ConcurrentMap<String, JsonPath> members = new ConcurrentHashMap<>();
    private volatile JsonPath elements;

    private JsonPath(AtomicInteger room, String fullTable, String fullColumn) {
        this.room = room;
        this.fullTable = fullTable;
        this.table = Names.shorten(fullTable);
        this.fullColumn = fullColumn;
        this.column = Names.shorten(fullColumn);
    }

    /** The row of table {@code table}, a root of places. */
    static JsonPath root(String table) {
        return new JsonPath(new AtomicInteger(MAX_KEPT), table, "");
    }

    /** The place of member {@code key} of an object here: column {@code column__key}. */
    JsonPath member(String key) {
        JsonPath p = members.get(key);
        if (p != null) {
            return p;
        }
        String name = Names.of(key);
        p = new JsonPath(room, fullTable, fullColumn.isEmpty() ? name : fullColumn + "__" + name);
        if (!keep()) {
            return p;
        }
        JsonPath earlier = members.putIfAbsent(key, p);
        return earlier != null ? earlier : p;
    }

    /**
     * This place with {@code _k} at the end of its column's name ({@link Names#suffixed}): where a list goes whose
     * child table's name another list of its row took. Rare: made anew each time, not kept.
     */
    JsonPath suffixed(int k) {
        return new JsonPath(room, fullTable, Names.suffixed(fullColumn, k));
    }

    /** The row of the child table a list here becomes: {@code table__column}. */
    JsonPath elements() {
        JsonPath e = elements;
        if (e == null) {
            e = new JsonPath(room, fullTable + "__" + fullColumn, "");
            elements = e; // a race makes two equal places; one is kept
        }
        return e;
    }

    /** Whether one more place may be kept. */
    private boolean keep() {
        return room.get() > 0 && room.decrementAndGet() >= 0;
    }
}

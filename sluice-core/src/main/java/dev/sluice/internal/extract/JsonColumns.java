package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.TableRow;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON value's own keys as a row's columns ({@code --jq} or {@code --rows jq:} without {@code jq:} fields): each
 * member a column named as dlt names it ({@link Names}); a nested object flattened into {@code a__b} columns; a list
 * a child table {@code TABLE__a} (one row per element, its {@code parentRow} the row's, its {@code index} the
 * element's position; an element that is no object is a row with one column, {@code value}) down to
 * {@code maxNesting} levels of lists, deeper lists kept as JSON text. A value that is no object is one column,
 * {@code value}. An empty object adds no column; an empty list no row. Strings that are ISO dates or timestamps are
 * {@link IsoTimes#recognise recognised}.
 *
 * <p>Two keys of one object that make one name (or a key that makes a field's name): the later gets {@code _2},
 * {@code _3}, … (the first free); so does the later of two lists of one row that make one child table's name
 * ({@code tags} and {@code Tags}: {@code docs__tags} and {@code docs__tags_2}).
 *
 * <p>The hot path of an API crawl (millions of child rows): one walk over Jackson's tree, each key named once per
 * extractor ({@link JsonPath}), a taken name found by the map's size, no regular expression. Thread-safe: the places
 * are shared, the rest is per call.
 */
final class JsonColumns {
    private final JsonPath root;
    private final int maxNesting;

    JsonColumns(String table, int maxNesting) {
        this.root = JsonPath.root(table);
        this.maxNesting = maxNesting;
    }

    /** Adds the columns of {@code value}, the value of row {@code row}, to {@code values}; its lists' rows to {@code out}. */
    void add(JsonNode value, int row, Map<String, Object> values, Output out) {
        element(value, root, row, 0, values, out);
    }

    private void element(JsonNode value, JsonPath at, int row, int depth, Map<String, Object> values, Output out) {
        // the child tables this row's lists have made; none made for a row too deep for lists (most rows)
        Set<String> lists = depth < maxNesting ? new HashSet<>(4) : null;
        if (value.isObject()) {
            members(value, at, row, depth, values, lists, out);
        } else {
            member(value, at.member("value"), row, depth, values, lists, out);
        }
    }

    private void members(JsonNode object, JsonPath at, int row, int depth, Map<String, Object> values, Set<String> lists,
            Output out) {
        for (Map.Entry<String, JsonNode> m : object.properties()) {
            member(m.getValue(), at.member(m.getKey()), row, depth, values, lists, out);
        }
    }

    private void member(JsonNode v, JsonPath at, int row, int depth, Map<String, Object> values, Set<String> lists,
            Output out) {
        if (v.isObject()) {
            members(v, at, row, depth, values, lists, out);
        } else if (!v.isArray()) {
            put(values, at.column, v.isTextual() ? IsoTimes.recognise(v.textValue()) : Values.of(v));
        } else if (depth < maxNesting) {
            JsonPath elements = at.elements();
            for (int k = 2; !lists.add(elements.table); k++) {
                elements = at.suffixed(k).elements(); // another list of this row made that table: the first free name
            }
            list(v, elements, row, depth + 1, out);
        } else {
            put(values, at.column, new TableRow.Json(JsonText.of(v)));
        }
    }

    private void list(JsonNode list, JsonPath rowOf, int parentRow, int depth, Output out) {
        int index = 0;
        for (JsonNode e : list) {
            int row = out.number(rowOf.table);
            int place = out.reserve();
            Map<String, Object> values = new LinkedHashMap<>();
            element(e, rowOf, row, depth, values, out);
            out.fill(place, new TableRow(rowOf.table, row, parentRow, index++, values));
        }
    }

    /** Puts {@code v} in {@code column}, or when that name is taken in this row, in the first free {@code column_k}. */
    static void put(Map<String, Object> values, String column, Object v) {
        int size = values.size();
        Object taken = values.put(column, v);
        if (values.size() > size) {
            return; // the common case: a new column
        }
        values.put(column, taken);
        for (int k = 2; ; k++) {
            String free = Names.suffixed(column, k);
            if (!values.containsKey(free)) {
                values.put(free, v);
                return;
            }
        }
    }
}

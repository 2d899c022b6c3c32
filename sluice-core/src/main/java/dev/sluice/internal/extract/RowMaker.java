package dev.sluice.internal.extract;

import dev.sluice.Rejected;
import dev.sluice.TableRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes one row of a table from a scope: every field's value, then, when the row's scope is a JSON value and no
 * {@code jq:} field says otherwise, its keys ({@link JsonColumns}); the rows of its {@code NAME[]} fields' child
 * tables; the rejects. Immutable and thread-safe; {@link #make} runs on the thread extracting a response.
 *
 * <p>A required field without a value (none found, or its value rejected) means no row: every reject of that row
 * has row -1, and the required field's says {@code required, but …}. Any other field without a value is null (no
 * reject: a missing optional value is no error); a value that fails is null, rejected with its row's number. A
 * {@code NAME[]} value that fails is left out of the child table, rejected with row -1.
 */
final class RowMaker {
    private final String table;
    private final List<Field> fields;
    /** The scope's keys as columns, or null. */
    private final JsonColumns keys;

    RowMaker(String table, List<Field> fields, JsonColumns keys) {
        this.table = table;
        this.fields = fields;
        this.keys = keys;
    }

    boolean keysAsColumns() {
        return keys != null;
    }

    /** What a field gave in one row: its value or values, and the failure that cost a value, if any. */
    private record Outcome(Field field, Object value, List<Object> values, Failure failure) {
        boolean missing() {
            return values == null ? value == null : values.isEmpty();
        }
    }

    void make(RowScope scope, Body body, Output out) throws UnreadableBody {
        List<Outcome> outcomes = new ArrayList<>(fields.size());
        List<Rejected> dropped = new ArrayList<>(0);
        boolean made = true;
        for (Field f : fields) {
            Outcome o = f.all() ? all(f, scope, body, dropped) : first(f, scope, body);
            outcomes.add(o);
            made &= !(f.required() && o.missing());
        }
        int row = made ? out.number(table) : -1;
        for (Outcome o : outcomes) {
            if (o.failure != null || (!made && o.field.required() && o.missing())) {
                out.reject(reject(row, o));
            }
        }
        dropped.forEach(out::reject);
        if (made) {
            add(row, scope, outcomes, out);
        }
    }

    private static Outcome first(Field f, RowScope scope, Body body) throws UnreadableBody {
        try {
            return new Outcome(f, f.convert(f.first(scope, body), body), null, null);
        } catch (Failure e) {
            return new Outcome(f, null, null, e);
        }
    }

    private Outcome all(Field f, RowScope scope, Body body, List<Rejected> dropped) throws UnreadableBody {
        List<Object> found;
        try {
            found = f.found(scope, body);
        } catch (Failure e) {
            return new Outcome(f, null, List.of(), e);
        }
        List<Object> values = new ArrayList<>(found.size());
        for (Object v : found) {
            try {
                Object c = f.convert(v, body);
                if (c != null) {
                    values.add(c);
                }
            } catch (Failure e) {
                dropped.add(new Rejected(f.childTable(table), -1, "value", Values.text(e.value()), f.selector(),
                        e.getMessage()));
            }
        }
        return new Outcome(f, null, values, null);
    }

    private Rejected reject(int row, Outcome o) {
        String reason = o.failure == null ? "missing" : o.failure.getMessage();
        String value = o.failure == null ? null : Values.text(o.failure.value());
        return new Rejected(table, row, o.field.name(), value, o.field.selector(),
                row < 0 && o.field.required() ? "required, but " + reason : reason);
    }

    /** The row, then its keys' child rows ({@link JsonColumns}), then its {@code NAME[]} fields' child rows. */
    private void add(int row, RowScope scope, List<Outcome> outcomes, Output out) {
        int place = out.reserve();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (!o.field.all()) {
                values.put(o.field.name(), o.value);
            }
        }
        if (keys != null && scope.value() != null) {
            keys.add(scope.value(), row, values, out);
        }
        out.fill(place, new TableRow(table, row, -1, -1, values));
        for (Outcome o : outcomes) {
            if (o.field.all()) {
                String child = o.field.childTable(table);
                for (int i = 0; i < o.values.size(); i++) {
                    Map<String, Object> value = new LinkedHashMap<>(2);
                    value.put("value", o.values.get(i));
                    out.add(new TableRow(child, out.number(child), row, i, value));
                }
            }
        }
    }
}

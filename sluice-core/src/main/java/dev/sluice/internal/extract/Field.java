package dev.sluice.internal.extract;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --extract} field, {@code NAME[:TYPE][!]=SOURCE:EXPR[ | STEP]…}, compiled: where its value comes from,
 * the steps it goes through, the type it must have. Immutable and thread-safe.
 *
 * <p>A value's way: the source's matches (the first, or all with {@code NAME[]}); text trimmed, and empty text, like
 * no match, is no value; then each step in order; then the declared type, strictly ({@link Declared#coerce}).
 * Without a type: text stays text, JSON values keep their type and their strings that are ISO dates or timestamps
 * are recognised.
 *
 * @param spec     the field as written
 * @param name     its column, or for {@code NAME[]} the last part of its child table's name
 * @param all      {@code NAME[]}: every match, each a row of the child table {@code TABLE__NAME} (column {@code value})
 * @param required {@code !}: without a value the row is not made
 * @param type     the declared type, or null
 * @param selector the source as written ({@code css:p.price::text}), as rejects name it
 */
record Field(String spec, String name, boolean all, boolean required, Declared type, String selector, Source source,
             List<Step> steps) {

    private static final String FORM = "NAME[:TYPE][!]=SOURCE:EXPR[ | STEP]…";

    /** Parses one field; a {@link BadSpec} saying what is wrong and where when it does not. */
    static Field parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new BadSpec("no '=': write " + FORM);
        }
        String head = spec.substring(0, eq).strip();
        boolean required = head.endsWith("!");
        if (required) {
            head = head.substring(0, head.length() - 1).strip();
        }
        int colon = head.indexOf(':');
        String column = (colon < 0 ? head : head.substring(0, colon)).strip();
        Declared type = colon < 0 ? null : Declared.parse(head.substring(colon + 1));
        boolean all = column.endsWith("[]");
        String name = all ? column.substring(0, column.length() - 2).strip() : column;
        Names.checkColumn(name);

        String rest = spec.substring(eq + 1).strip();
        int sourceEnd = rest.indexOf(':');
        if (sourceEnd <= 0) {
            throw new BadSpec("no source after '=': write " + FORM + ", SOURCE one of " + Source.KNOWN);
        }
        String word = rest.substring(0, sourceEnd).strip();
        List<String> parts = Pipes.split(rest, word.equals("jq") || word.equals("jsonld"));
        List<Step> steps = new ArrayList<>(parts.size() - 1);
        for (String step : parts.subList(1, parts.size())) {
            steps.add(Steps.parse(step));
        }
        String selector = parts.get(0);
        boolean keepJson = type != null && type.type() == dev.sluice.ColumnType.JSON && steps.isEmpty();
        Source source = Source.compile(word, selector.substring(selector.indexOf(':') + 1), keepJson);
        return new Field(spec, name, all, required, type, selector, source, List.copyOf(steps));
    }

    /** The first value the source finds in {@code scope}, cleaned ({@link #clean}); null when none. */
    Object first(RowScope scope, Body body) throws Failure, UnreadableBody {
        for (Object v : source.read(scope, body, false)) {
            Object c = clean(v);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /** Every value the source finds in {@code scope}, cleaned, those with no value left out. */
    List<Object> found(RowScope scope, Body body) throws Failure, UnreadableBody {
        List<Object> found = source.read(scope, body, true);
        List<Object> values = new ArrayList<>(found.size());
        for (Object v : found) {
            Object c = clean(v);
            if (c != null) {
                values.add(c);
            }
        }
        return values;
    }

    /** Text trimmed, empty text no value (null). */
    private static Object clean(Object v) {
        return v instanceof String s ? Values.trim(s) : v;
    }

    /** {@code value} (null when none was found) through the steps, then as the declared type; null: no value. */
    Object convert(Object value, Body body) throws Failure {
        Object v = value;
        for (Step step : steps) {
            v = step.apply(v, body);
            if (v instanceof String s && s.isEmpty()) {
                v = null;
            }
        }
        if (v == null) {
            return null;
        }
        if (type != null) {
            return type.coerce(v);
        }
        return source.json() && v instanceof String s ? IsoTimes.recognise(s) : v;
    }

    /** The child table of a {@code NAME[]} field of table {@code table}. */
    String childTable(String table) {
        return table + "__" + name;
    }
}

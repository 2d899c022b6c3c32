package dev.sluice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What goes into one typed table ({@code --table}) and how: its fields ({@code --extract}), what makes a row
 * ({@code --rows}, or each value {@code --jq} emits), its key, write mode, schema contract and nesting depth.
 * Immutable; built with {@link #builder(String)}. A field whose spec does not parse is an
 * {@link InvalidConfigException} naming it when the table's extractor is compiled ({@code Sluice.Builder.table}).
 *
 * @param name       the table's name: a lower-case SQL identifier
 * @param fields     the {@code --extract} specs, in column order: {@code NAME[:TYPE][!]=SOURCE:EXPR[ | STEP]…}
 * @param rows       the {@code --rows} selector ({@code css:div.product}, {@code xpath:…}, {@code jq:.items[]}), or null:
 *                   one row per response, or per value of {@code jq}
 * @param jq         the {@code --jq} expression whose every value is a row (its keys columns unless fields say
 *                   otherwise), or null
 * @param primaryKey the {@code --primary-key} columns, empty for none (needed by {@link WriteMode#MERGE})
 * @param write      how rows meet the table's earlier rows
 * @param schema     the schema contract; null: {@link SchemaContract#FREEZE} when every field declares its type,
 *                   else {@link SchemaContract#EVOLVE}
 * @param maxNesting how deep nested lists become child tables ({@code --max-nesting}, default 1); deeper stays JSON
 */
public record TableSpec(String name, List<String> fields, String rows, String jq, List<String> primaryKey,
                        WriteMode write, SchemaContract schema, int maxNesting) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** The prefix of the tables a {@link WriteMode#REPLACE} job writes until they take the place of their namesakes. */
    public static final String STAGED = "_staged_";

    public TableSpec {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(write, "write");
        if (!IDENTIFIER.matcher(name).matches() || name.contains("__")) {
            throw new InvalidConfigException("table", "must be a lower-case SQL name: letters, digits and single "
                    + "underscores, starting with a letter or an underscore, at most 63 characters", name);
        }
        if (write == WriteMode.REPLACE && !name.startsWith(STAGED) && STAGED.length() + name.length() > 63) {
            throw new InvalidConfigException("table", "with --write replace, at most " + (63 - STAGED.length())
                    + " characters: the staged table is named " + STAGED + name, name);
        }
        if (name.startsWith(STAGED) && write != WriteMode.REPLACE) {
            throw new InvalidConfigException("table", "names starting with " + STAGED + " are the tables --write replace "
                    + "is making", name);
        }
        if (write == WriteMode.MERGE && primaryKey.isEmpty()) {
            throw new InvalidConfigException("write", "merge needs a primary key (--primary-key)", "merge");
        }
        if (maxNesting < 0) {
            throw new InvalidConfigException("maxNesting", "must be at least 0", Integer.toString(maxNesting));
        }
        if (fields.isEmpty() && jq == null && (rows == null || !rows.startsWith("jq:"))) { // a JSON row's keys are columns
            throw new InvalidConfigException("table", "needs fields (--extract), a jq expression (--jq) or --rows jq:EXPR to "
                    + "make its rows", name);
        }
    }

    /** Whether rows are upserted on the primary key: merge, or replace with a key. */
    public boolean merges() {
        return write == WriteMode.MERGE || write == WriteMode.REPLACE && !primaryKey.isEmpty();
    }

    /** The spec of the staged table a replace job writes: this one under the staged name. */
    public TableSpec staged() {
        if (write != WriteMode.REPLACE) {
            throw new IllegalStateException("only --write replace stages its table, not " + write.word());
        }
        return name.startsWith(STAGED) ? this
                : new TableSpec(STAGED + name, fields, rows, jq, primaryKey, write, schema, maxNesting);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** How a table's rows meet its earlier ones ({@code --write}). */
    public enum WriteMode {
        /** Rows are added; a request fetched again replaces its own rows (the default). */
        APPEND,
        /** An upsert on the primary key: the newest fetch wins whatever the order of commits; its child rows with it. */
        MERGE,
        /**
         * The job makes the table anew, fetching every request again: its rows go to a staged table ({@link #STAGED}
         * and the name, with its child tables), which takes the table's place in one transaction when the job has
         * done all its work. Readers see the old table, whole, until then. With a primary key, merged on it.
         */
        REPLACE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a new column or a value that does not fit does to a table ({@code --schema}). */
    public enum SchemaContract {
        /** New columns are added and inferred types widened; a value that still does not fit is rejected, its row kept. */
        EVOLVE,
        /**
         * The columns are fixed: a new column or a value that does not fit rejects its row, which is kept whole in
         * {@code rejects} (as a JSON object), with its child rows left out.
         */
        FREEZE,
        /** As freeze, but only the values that do not fit are kept in {@code rejects}. */
        DISCARD_ROW,
        /** As freeze, but only the value is left out (NULL) and counted in {@code rejects}. */
        DISCARD_VALUE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Collects a table's settings; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<String> fields = new ArrayList<>();
        private final List<String> primaryKey = new ArrayList<>();
        private String rows;
        private String jq;
        private WriteMode write = WriteMode.APPEND;
        private SchemaContract schema;
        private int maxNesting = 1;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds a field ({@code --extract}): {@code NAME[:TYPE][!]=SOURCE:EXPR[ | STEP]…}. */
        public Builder field(String spec) {
            fields.add(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        public Builder rows(String selector) {
            this.rows = selector;
            return this;
        }

        public Builder jq(String expression) {
            this.jq = expression;
            return this;
        }

        public Builder primaryKey(List<String> columns) {
            primaryKey.clear();
            primaryKey.addAll(columns);
            return this;
        }

        public Builder write(WriteMode mode) {
            this.write = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder schema(SchemaContract contract) {
            this.schema = contract;
            return this;
        }

        public Builder maxNesting(int depth) {
            this.maxNesting = depth;
            return this;
        }

        public TableSpec build() {
            return new TableSpec(name, fields, rows, jq, primaryKey, write, schema, maxNesting);
        }
    }
}

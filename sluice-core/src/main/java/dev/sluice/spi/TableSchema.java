package dev.sluice.spi;

import dev.sluice.ColumnType;
import dev.sluice.TableSpec;

import java.util.List;
import java.util.Objects;

/**
 * A typed table as the frontier stores it: the user's {@link TableSpec}, the columns its fields declare (those the
 * table and its child tables have before any row) and the schema contract in force ({@link TableSpec#schema()}, or
 * its default). Immutable.
 */
public record TableSchema(TableSpec spec, List<Column> declared, TableSpec.SchemaContract contract) {

    public TableSchema {
        Objects.requireNonNull(spec, "spec");
        declared = List.copyOf(declared);
        Objects.requireNonNull(contract, "contract");
    }

    /** The top-level table's name. */
    public String table() {
        return spec.name();
    }

    /**
     * A column a field declares.
     *
     * @param table     its table: the top-level one, or a child table ({@code pages__images})
     * @param name      the column's name
     * @param type      its type
     * @param precision for {@code decimal(p,s)}, p; else 0
     * @param scale     for {@code decimal(p,s)}, s; else 0
     */
    public record Column(String table, String name, ColumnType type, int precision, int scale) {
    }
}

package dev.sluice.spi;

import dev.sluice.ColumnType;

import java.util.List;
import java.util.Objects;

/**
 * A typed table as the schema catalog describes it, for reading it back ({@link Store#scanTable(StoredTable,
 * java.util.function.Consumer)}): its provenance columns first, then its user columns in catalog order. Immutable.
 *
 * @param name    the table's name ({@code pages}, or a child table's, {@code pages__images})
 * @param parent  a child table's parent table; null for a top-level table
 * @param columns every column, in table order
 */
public record StoredTable(String name, String parent, List<Column> columns) {

    public StoredTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
    }

    /**
     * A column and the type its values are read as: {@link ColumnType} names their Java classes. The integer
     * provenance columns ({@code _row}, {@code _parent_row}, {@code _idx}) read as {@link ColumnType#BIGINT}.
     *
     * @param name       its SQL name
     * @param type       its type
     * @param precision  for {@code decimal(p,s)}, p; 0 for an unbounded decimal and for other types
     * @param scale      for {@code decimal(p,s)}, s
     * @param provenance whether Sluice fills it for every row ({@code _request}, {@code _row}, …: never null) rather
     *                   than the rows' values (null where a row has none)
     */
    public record Column(String name, ColumnType type, int precision, int scale, boolean provenance) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }
}

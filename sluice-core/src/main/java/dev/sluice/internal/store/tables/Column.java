package dev.sluice.internal.store.tables;

import dev.sluice.ColumnType;

/**
 * A user column of a typed table, as the catalog ({@code table_columns}) keeps it. Immutable.
 *
 * @param name      its SQL name
 * @param type      its type
 * @param precision for {@code decimal(p,s)}, p; 0 for an unbounded decimal and for other types
 * @param scale     for {@code decimal(p,s)}, s
 * @param declared  whether a field declared it (its type never changes) or the values seen inferred it (it widens)
 */
record Column(String name, ColumnType type, int precision, int scale, boolean declared) {

    /** The type as the catalog's {@code data_type} writes it: {@code decimal(10,2)}, {@code bigint}, … */
    String dataType() {
        return type == ColumnType.DECIMAL && precision > 0 ? "decimal(" + precision + "," + scale + ")" : type.word();
    }

    /** Reads a catalog {@code data_type}. */
    static Column of(String name, String dataType, boolean declared) {
        int open = dataType.indexOf('(');
        if (open < 0) {
            return new Column(name, ColumnType.ofWord(dataType), 0, 0, declared);
        }
        String[] ps = dataType.substring(open + 1, dataType.length() - 1).split(",");
        return new Column(name, ColumnType.ofWord(dataType.substring(0, open)), Integer.parseInt(ps[0].trim()),
                Integer.parseInt(ps[1].trim()), declared);
    }

    Column widenedTo(ColumnType wider) {
        return new Column(name, wider, 0, 0, declared);
    }
}

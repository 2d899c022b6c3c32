package dev.sluice.cli;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes a typed table's rows in one export format, as {@link dev.sluice.spi.Store#scanTable(dev.sluice.spi.StoredTable,
 * java.util.function.Consumer)} hands them over: one call per row, on the export's thread; closing it ends the
 * output (a Parquet file's footer, the last buffered bytes).
 */
interface TableWriter extends Closeable {
    /** One row: its values in the table's column order, of the classes {@link dev.sluice.ColumnType} names, or null. */
    void write(Object[] row) throws IOException;
}

package dev.sluice.cli;

import dev.sluice.ColumnType;
import dev.sluice.TableRow;
import dev.sluice.spi.StoredTable;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;

/**
 * A typed table's rows as one Parquet file, through parquet-java's {@link ParquetWriter} (a row group at a time in
 * memory, {@link #ROW_GROUP} at most, pages compressed by {@link GzipCodec}), with no Hadoop class loaded: its
 * configuration is a {@link PlainParquetConfiguration}, its file a {@link LocalOutputFile}. Why parquet-java: it is
 * Apache's reference writer, released several times a year, and adds about 8 MB to sluice.jar (with the fastutil and
 * Jackson it shades, and jts-core); DuckDB's JDBC driver ({@code COPY … TO 'x.parquet'}) would add some 70 MB of
 * native libraries, and Carpet (com.jerolba) writes Java records, not a schema known only at run time.
 *
 * <p>Types, from the catalog's: bool BOOLEAN; bigint INT64; decimal(p,s) DECIMAL(p,s), as INT64 up to p = 18 and
 * FIXED_LEN_BYTE_ARRAY beyond, p at most 38 (what readers such as DuckDB, Spark and Arrow take: a larger p is
 * written as 38); an unbounded decimal DECIMAL(38,9) (values rounded half-even to 9 places; one with more than 29
 * digits before the point stops the export, since no Parquet decimal of a fixed scale holds it); double DOUBLE; date
 * DATE; timestamp TIMESTAMP(MICROS, adjusted to UTC); text STRING; json JSON. Provenance columns are REQUIRED (the
 * integer ones INT64), user columns OPTIONAL. On the export's thread.
 */
final class ParquetRows implements TableWriter {
    /** The largest decimal precision Parquet's readers take (128-bit decimals). */
    private static final int MAX_PRECISION = 38;
    /** The scale of an unbounded decimal: cents and far finer. */
    private static final int UNBOUNDED_SCALE = 9;
    /** Bytes of a row group held in memory before it is written out: many rows per group, a bounded heap. */
    private static final long ROW_GROUP = 32L << 20;

    private final StoredTable table;
    /** Each decimal column's Parquet decimal, by position; null for the other columns. */
    private final Decimal[] decimals;
    private final ParquetWriter<Object[]> writer;

    private ParquetRows(StoredTable table, ParquetWriter<Object[]> writer) {
        this.table = table;
        this.decimals = table.columns().stream().map(c -> c.type() == ColumnType.DECIMAL ? Decimal.of(c) : null)
                .toArray(Decimal[]::new);
        this.writer = writer;
    }

    /** A new Parquet file at {@code file} (one there is replaced) for {@code table}'s rows. */
    static ParquetRows create(Path file, StoredTable table) throws IOException {
        MessageType schema = schema(table);
        ParquetWriter<Object[]> writer = new Builder(new LocalOutputFile(file), schema)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new GzipCodec())
                .withCompressionCodec(CompressionCodecName.GZIP)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP)
                .build();
        return new ParquetRows(table, writer);
    }

    /** The file's schema: one field per column, named and ordered as the table's. */
    static MessageType schema(StoredTable table) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (StoredTable.Column c : table.columns()) {
            Types.PrimitiveBuilder<PrimitiveType> field = c.provenance() ? Types.required(physical(c)) : Types.optional(physical(c));
            switch (c.type()) {
                case DECIMAL -> {
                    Decimal d = Decimal.of(c);
                    field.as(LogicalTypeAnnotation.decimalType(d.scale(), d.precision()));
                    if (d.bytes() > 0) {
                        field.length(d.bytes());
                    }
                }
                case DATE -> field.as(LogicalTypeAnnotation.dateType());
                case TIMESTAMP -> field.as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
                case TEXT -> field.as(LogicalTypeAnnotation.stringType());
                case JSON -> field.as(LogicalTypeAnnotation.jsonType());
                case BOOL, BIGINT, DOUBLE -> { }
            }
            message.addField(field.named(c.name()));
        }
        return message.named(table.name());
    }

    private static PrimitiveTypeName physical(StoredTable.Column c) {
        return switch (c.type()) {
            case BOOL -> PrimitiveTypeName.BOOLEAN;
            case BIGINT, TIMESTAMP -> PrimitiveTypeName.INT64;
            case DECIMAL -> Decimal.of(c).bytes() == 0 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
            case DOUBLE -> PrimitiveTypeName.DOUBLE;
            case DATE -> PrimitiveTypeName.INT32;
            case TEXT, JSON -> PrimitiveTypeName.BINARY;
        };
    }

    /**
     * A column's Parquet decimal: its precision and scale, and its bytes as a FIXED_LEN_BYTE_ARRAY (0: an INT64, up
     * to 18 digits).
     */
    record Decimal(int precision, int scale, int bytes) {
        static Decimal of(StoredTable.Column c) {
            int p = c.precision() == 0 ? MAX_PRECISION : Math.min(c.precision(), MAX_PRECISION);
            int s = c.precision() == 0 ? UNBOUNDED_SCALE : Math.min(c.scale(), p);
            if (p <= 18) {
                return new Decimal(p, s, 0);
            }
            int bytes = 1;
            while (BigInteger.ONE.shiftLeft(8 * bytes - 1).compareTo(BigInteger.TEN.pow(p)) < 0) {
                bytes++; // the fewest bytes whose two's complement holds every p-digit number
            }
            return new Decimal(p, s, bytes);
        }
    }

    @Override
    public void write(Object[] row) throws IOException {
        Object[] values = new Object[row.length];
        for (int i = 0; i < row.length; i++) {
            values[i] = row[i] == null ? null : parquetValue(i, row);
        }
        writer.write(values);
    }

    /**
     * Value {@code i} of {@code row} as the writer adds it: a Boolean, Long, Integer (a date's day), Double or
     * {@link Binary}.
     */
    private Object parquetValue(int i, Object[] row) throws IOException {
        StoredTable.Column c = table.columns().get(i);
        return switch (row[i]) {
            case BigDecimal d -> decimal(d, decimals[i], c, row);
            case LocalDate d -> Math.toIntExact(d.toEpochDay());
            case Instant t -> Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
            case String s -> Binary.fromString(s);
            case TableRow.Json j -> Binary.fromString(j.text());
            default -> row[i]; // Boolean, Long, Double
        };
    }

    /** The unscaled value, rounded to the column's scale: a Long, or its two's complement in the column's bytes. */
    private Object decimal(BigDecimal value, Decimal type, StoredTable.Column c, Object[] row) throws IOException {
        BigDecimal rounded = value.setScale(type.scale(), RoundingMode.HALF_EVEN);
        if (rounded.precision() > type.precision()) {
            throw new IOException("table " + table.name() + ", column " + c.name() + ", row " + key(row) + ": "
                    + value.toPlainString() + " has more digits than Parquet's DECIMAL(" + type.precision() + ","
                    + type.scale() + ") holds; export it as jsonl or csv");
        }
        BigInteger unscaled = rounded.unscaledValue();
        if (type.bytes() == 0) {
            return unscaled.longValueExact();
        }
        byte[] minimal = unscaled.toByteArray();
        byte[] fixed = new byte[type.bytes()];
        Arrays.fill(fixed, 0, fixed.length - minimal.length, unscaled.signum() < 0 ? (byte) 0xff : 0);
        System.arraycopy(minimal, 0, fixed, fixed.length - minimal.length, minimal.length);
        return Binary.fromConstantByteArray(fixed);
    }

    /** The row's key as messages name it: its first two columns ({@code _request} or {@code _root}, {@code _row}). */
    private String key(Object[] row) {
        return "(" + table.columns().get(0).name() + " " + row[0] + ", _row " + row[1] + ")";
    }

    /** Writes the last row group and the footer. */
    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** Adds a row's values (as {@link #parquetValue} made them) to the record being written; nulls are left out. */
    private static final class RowSupport extends WriteSupport<Object[]> {
        private final MessageType schema;
        private RecordConsumer out;

        RowSupport(MessageType schema) {
            this.schema = schema;
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of());
        }

        /** Hadoop's road, never taken: {@link Builder} hands the writer a {@link ParquetConfiguration}. */
        @Override
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return init((ParquetConfiguration) null);
        }

        @Override
        public void prepareForWrite(RecordConsumer consumer) {
            out = consumer;
        }

        @Override
        public void write(Object[] values) {
            out.startMessage();
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    continue;
                }
                String name = schema.getFieldName(i);
                out.startField(name, i);
                switch (values[i]) {
                    case Boolean b -> out.addBoolean(b);
                    case Long l -> out.addLong(l);
                    case Integer n -> out.addInteger(n);
                    case Double d -> out.addDouble(d);
                    case Binary b -> out.addBinary(b);
                    default -> throw new IllegalArgumentException("not a Parquet value: " + values[i].getClass().getName());
                }
                out.endField(name, i);
            }
            out.endMessage();
        }
    }

    /** parquet-java's builder, for {@link RowSupport}. */
    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final MessageType schema;

        Builder(LocalOutputFile file, MessageType schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration configuration) {
            return new RowSupport(schema);
        }

        /** Hadoop's road, never taken: the writer is built with a {@link ParquetConfiguration}. */
        @Override
        protected WriteSupport<Object[]> getWriteSupport(org.apache.hadoop.conf.Configuration configuration) {
            return new RowSupport(schema);
        }
    }
}

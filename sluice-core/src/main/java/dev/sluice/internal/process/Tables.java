package dev.sluice.internal.process;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.spi.TableSchema;

import java.time.Instant;
import java.util.Objects;

/**
 * A compiled {@code --table}: what the CPU stage runs on each body after the processor, and the schema the frontier
 * stores the rows under. Immutable; {@link #extract} is thread-safe.
 */
public record Tables(TableSchema schema, Extract extract) {

    public Tables {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(extract, "extract");
    }

    /** A body's rows and rejects; throws (a message for the user) when the body cannot be read as the table needs. */
    @FunctionalInterface
    public interface Extract {
        Extraction apply(FetchedBody body, Instant fetchedAt) throws Exception;
    }
}

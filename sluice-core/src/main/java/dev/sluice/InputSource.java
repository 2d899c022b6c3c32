package dev.sluice;

import dev.sluice.internal.input.LineSource;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Where the URLs of a run come from: lines, read one at a time so no input is ever held in memory
 * whole. Used only by the pipeline's loading thread ({@code sluice-input}); implementations need not be thread-safe.
 */
public interface InputSource extends AutoCloseable {

    /** One meaningful input line (blank lines and {@code #} comments are already skipped). */
    record Line(String origin, long number, String text) {
        /** "line 12 of urls.txt", for messages. */
        public String where() {
            return "line " + number + " of " + origin;
        }
    }

    /** The next line, or null at the end. May block (e.g. reading standard input). */
    Line next() throws IOException;

    /** Whether {@link #next} can answer without blocking; lets the reader start work before a batch fills. */
    default boolean ready() throws IOException {
        return true;
    }

    @Override
    void close() throws IOException;

    /** These lines, in order (blank ones and {@code #} comments skipped), named "the given lines" in messages. */
    static InputSource ofLines(Collection<String> lines) {
        return LineSource.ofLines(lines);
    }

    /** The lines of these files, one after the other, streamed; {@code -} is standard input. */
    static InputSource ofFiles(List<String> files) {
        return LineSource.of(files, System.in);
    }
}

package dev.sluice;

import java.util.List;

/**
 * The CPU stage's user code: turns one fetched body into records (JSON texts). Sluice always computes
 * size, content type and SHA-256 itself; a processor adds records on top.
 *
 * <p>Runs on a thread of the bounded CPU pool ({@code sluice-process-N}), never on a fetch thread, and
 * concurrently for different bodies: implementations must be thread-safe. Anything it throws fails
 * that URL with {@link ErrorKind#PROCESS} and the exception's message; it is never lost.
 */
@FunctionalInterface
public interface Processor {

    /** Returns the records for this body, in order; an empty list for none. */
    List<String> process(FetchedBody body) throws Exception;

    /** Produces no records. */
    Processor NONE = body -> List.of();

    /**
     * Runs the jq expression ({@code --jq}) on each body parsed as JSON: each value it emits is a record.
     *
     * @throws IllegalArgumentException when the expression does not compile, or calls a function that exists nowhere
     */
    static Processor jq(String expression) {
        return dev.sluice.internal.process.JqProcessor.compile(expression);
    }
}

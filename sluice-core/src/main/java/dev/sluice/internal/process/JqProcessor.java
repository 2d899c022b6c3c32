package dev.sluice.internal.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.FetchedBody;
import dev.sluice.Processor;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a jq expression (jackson-jq, jq 1.6 dialect) on each body parsed as JSON; every value it
 * emits becomes one record. A body that is not JSON, or an expression that fails on it, throws, so
 * the URL fails with {@code process}.
 *
 * <p>Fast path: the body is read by {@link ProjectingReader} into a tree of only what the expression can
 * read ({@link JqReads}: e.g. {@code {n: (.items|length), sum: ([.items[].value]|add)}} reads the number of
 * items and each item's {@code value}; an expression it does not know reads all); the rest is only checked
 * for syntax. Same output as on Jackson's whole tree. Whenever that reader does not handle the body (not
 * JSON, unusual encodings, limits) or the expression fails, the body is read again the ordinary way
 * (Jackson, the whole tree) and that outcome counts, with its own error message.
 *
 * <p>Thread-safe: the compiled query, its projection and the root scope are shared read-only; each call
 * gets its own child scope.
 */
public final class JqProcessor implements Processor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String expression;
    private final JqProgram program;
    /** What the expression reads of a body: all of it ({@link Projection#FULL}) when the analysis does not know. */
    private final Projection projection;
    /** Whether the analysis knows the expression; for tests and benchmarks. */
    private final boolean known;

    private JqProcessor(JqProgram program) {
        this.expression = program.expression();
        this.program = program;
        Projection reads = JqReads.of(program.query());
        this.projection = reads == null ? Projection.FULL : reads;
        this.known = reads != null;
    }

    /**
     * Compiles {@code expression}; a syntax error, or a call of a function that is defined nowhere, is an
     * {@link IllegalArgumentException} saying which ({@link JqProgram#compile}).
     */
    public static JqProcessor compile(String expression) {
        return new JqProcessor(JqProgram.compile(expression));
    }

    @Override
    public List<String> process(FetchedBody body) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        try {
            JsonNode input = ProjectingReader.read(body.body(), projection);
            program.apply(input, values::add);
            return serialize(values);
        } catch (ProjectingReader.NotHandled | JsonQueryException | RuntimeException e) {
            // the ordinary way decides, with Jackson's whole tree (its error messages may quote any of it)
        }
        return processWhole(body);
    }

    /** The whole body parsed by Jackson, then the expression. */
    List<String> processWhole(FetchedBody body) throws Exception {
        JsonNode input;
        try {
            input = JSON.readTree(body.body());
        } catch (JsonProcessingException e) {
            throw new Exception("body is not JSON (Content-Type " + body.contentType() + "): " + JqProgram.describe(e), e);
        }
        if (input == null || input.isMissingNode()) {
            throw new Exception("body is empty, not JSON");
        }
        List<JsonNode> values = new ArrayList<>();
        try {
            program.apply(input, values::add);
        } catch (JsonQueryException e) {
            throw new Exception("jq '" + expression + "' failed: " + e.getMessage(), e);
        }
        return serialize(values);
    }

    private static List<String> serialize(List<JsonNode> values) throws JsonProcessingException {
        List<String> records = new ArrayList<>(values.size());
        for (JsonNode v : values) {
            records.add(JSON.writeValueAsString(v));
        }
        return records;
    }

    /** What the expression reads of a body, for tests and benchmarks: "*" all, null not known (all). */
    String projection() {
        return known ? projection.toString() : null;
    }
}

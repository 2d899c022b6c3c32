package dev.sluice.internal.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Output;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled jq expression of Sluice's jq (jackson-jq, the jq 1.6 dialect, {@link JqBuiltins} installed,
 * calls of undefined functions refused at compile), with its root scope. Used by {@link JqProcessor} (the
 * user's {@code --jq}) and by the discovery rules ({@code dev.sluice.internal.discover}), so both accept the same
 * expressions and fail with the same messages.
 *
 * <p>Thread-safe: the query and the root scope are shared read-only; each run gets its own child scope.
 */
public final class JqProgram {
    private final String expression;
    private final JsonQuery query;
    private final Scope rootScope;

    private JqProgram(String expression, JsonQuery query, Scope rootScope) {
        this.expression = expression;
        this.query = query;
        this.rootScope = rootScope;
    }

    /**
     * Compiles {@code expression}; a syntax error, or a call of a function that is defined nowhere, is an
     * {@link IllegalArgumentException} saying which.
     */
    public static JqProgram compile(String expression) {
        Scope root = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
        JqBuiltins.install(root);
        JsonQuery query;
        try {
            query = JsonQuery.compile(expression, Versions.JQ_1_6);
        } catch (JsonQueryException e) {
            throw new IllegalArgumentException("invalid jq expression '" + expression + "': " + e.getMessage(), e);
        }
        List<String> undefined = JqFunctions.undefined(query, root);
        if (!undefined.isEmpty()) {
            throw new IllegalArgumentException("invalid jq expression '" + expression + "': "
                    + String.join(", ", undefined) + (undefined.size() == 1 ? " is not a function" : " are not functions")
                    + " of Sluice's jq (jq 1.6 but for the builtins the README lists as missing)");
        }
        return new JqProgram(expression, query, root);
    }

    public String expression() {
        return expression;
    }

    JsonQuery query() {
        return query;
    }

    /** Runs the expression on {@code input}, handing each value it emits to {@code out}. Any thread. */
    public void apply(JsonNode input, Output out) throws JsonQueryException {
        query.apply(Scope.newChildScope(rootScope), input, out);
    }

    /** Every value the expression emits for {@code input}, in order. Any thread. */
    public List<JsonNode> apply(JsonNode input) throws JsonQueryException {
        List<JsonNode> values = new ArrayList<>();
        apply(input, values::add);
        return values;
    }

    /** Jackson's message without its source dump, with the place where parsing failed. */
    public static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        int dump = m.indexOf(" (start marker at");
        m = dump >= 0 ? m.substring(0, dump) : m;
        return e.getLocation() == null ? m
                : m + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    @Override
    public String toString() {
        return expression;
    }
}

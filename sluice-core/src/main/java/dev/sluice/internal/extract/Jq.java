package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.TableRow;
import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.List;

/**
 * Sluice's one jq ({@link JqProgram}: the same dialect, builtins and messages as {@code --jq} elsewhere) as the
 * extractor's jq sources use it. Stateless.
 */
final class Jq {
    private Jq() {
    }

    /** {@code expression} compiled; a {@link BadSpec} with jq's message when it does not. */
    static JqProgram compile(String expression) {
        try {
            return JqProgram.compile(expression);
        } catch (IllegalArgumentException e) {
            throw new BadSpec(e.getMessage());
        }
    }

    /**
     * Adds each value {@code program} emits for {@code input} to {@code values}, as a table holds it
     * ({@link Values#of}), or as its JSON text when {@code keepJson}; a JSON null is no value and is left out.
     */
    static void emit(JqProgram program, JsonNode input, boolean keepJson, List<Object> values) throws JsonQueryException {
        program.apply(input, v -> {
            if (!v.isNull()) {
                values.add(keepJson ? new TableRow.Json(JsonText.of(v)) : Values.of(v));
            }
        });
    }
}

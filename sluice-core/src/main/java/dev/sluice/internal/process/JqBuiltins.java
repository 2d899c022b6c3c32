package dev.sluice.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.PathOutput;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.internal.JsonQueryFunction;
import net.thisptr.jackson.jq.internal.javacc.ExpressionParser;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.operators.PlusOperator;
import net.thisptr.jackson.jq.path.Path;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The builtins of Sluice's jq: faster equivalents of jackson-jq builtins that are written in jq and common in
 * projections, and checkpoints that let a body's processing be stopped.
 *
 * <p>{@code add}: jq 1.6 defines it as {@code reduce .[] as $item (null; . + $item)}, which jackson-jq runs
 * with a variable binding and a result list per element (about 40 ns each). This does the same loop in Java
 * with jackson-jq's own {@code +} ({@link PlusOperator}), in the same order, so the result and any error
 * ("… cannot be added") are the same; an input that is neither an array nor an object goes to the jq
 * definition, which reports it as before.
 *
 * <p>Thread-safe (stateless).
 */
final class JqBuiltins {
    private JqBuiltins() {
    }

    /**
     * Replaces, in {@code root} (where the jq 1.6 builtins are loaded), the builtins this class has faster, then
     * wraps every builtin in a {@linkplain ProcessWorker#checkpoint() checkpoint} at its call and at each value it
     * emits: every loop jq can run without end passes through a builtin (range, limit, select, recurse…) or
     * recurses (which ends in a stack overflow), so a body past its limits stops within microseconds.
     */
    static void install(Scope root) {
        Function jqAdd = root.getFunction("add", 0);
        if (jqAdd != null) {
            root.addFunction("add", 0, new Add(jqAdd));
        }
        for (Definition d : MISSING_FROM_JACKSON_JQ) {
            try {
                root.addFunction(d.name(), d.params().size(),
                        new JsonQueryFunction(d.name(), d.params(), ExpressionParser.compile(d.body(), Versions.JQ_1_6), root));
            } catch (JsonQueryException e) {
                throw new IllegalStateException("the definition of " + d.name() + " does not compile: " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, Function> e : Map.copyOf(root.getLocalFunctions()).entrySet()) {
            int slash = e.getKey().lastIndexOf('/');
            root.addFunction(e.getKey().substring(0, slash), Integer.parseInt(e.getKey().substring(slash + 1)),
                    new Checkpointed(e.getValue()));
        }
    }

    private record Definition(String name, List<String> params, String body) {
    }

    /**
     * jq 1.6 builtins that jackson-jq lacks and that can be written in jq, with jq 1.6's own definitions
     * (builtin.jq), but for {@code repeat}: jq 1.6's applies {@code f} to its input over and over
     * ({@code 1|repeat(.*2)} is 2, 2, 2, …); this is the one its manual describes and jq 1.7 has (1, 2, 4, …).
     * The builtins still missing are listed in the README.
     */
    private static final List<Definition> MISSING_FROM_JACKSON_JQ = List.of(
            new Definition("IN", List.of("s"), "any(s == .; .)"),
            new Definition("IN", List.of("src", "s"), "any(src == s; .)"),
            new Definition("INDEX", List.of("stream", "idx_expr"), "reduce stream as $row ({}; .[$row|idx_expr|tostring] |= $row)"),
            new Definition("INDEX", List.of("idx_expr"), "INDEX(.[]; idx_expr)"),
            new Definition("JOIN", List.of("$idx", "idx_expr"), "[.[] | [., $idx[idx_expr]]]"),
            new Definition("JOIN", List.of("$idx", "stream", "idx_expr"), "stream | [., $idx[idx_expr]]"),
            new Definition("JOIN", List.of("$idx", "stream", "idx_expr", "join_expr"), "stream | [., $idx[idx_expr]] | join_expr"),
            new Definition("isempty", List.of("g"), "first((g|false), true)"),
            new Definition("repeat", List.of("f"), "def _repeat: ., (f | _repeat); _repeat"),
            new Definition("tostream", List.of(),
                    "path(def r: (.[]?|r), .; r) as $p | getpath($p) | reduce path(.[]?) as $q ([$p, .]; [$p+$q])"),
            new Definition("fromstream", List.of("f"), "{ x: null, e: false } as $init | foreach f as $i ($init;"
                    + " if .e then $init else . end | if $i | length == 2"
                    + " then setpath([\"e\"]; $i[0] | length == 0) | setpath([\"x\"] + $i[0]; $i[1])"
                    + " else setpath([\"e\"]; $i[0] | length == 1) end; if .e then .x else empty end)"),
            new Definition("truncate_stream", List.of("stream"),
                    ". as $n | null | stream | . as $input | if (.[0]|length) > $n then setpath([0];.[0][$n:]) else empty end"));

    /** A builtin that checks, at its call and at every value it emits, whether the processing must stop. */
    private record Checkpointed(Function builtin) implements Function {
        @Override
        public void apply(Scope scope, List<Expression> args, JsonNode in, Path path, PathOutput output, Version version)
                throws JsonQueryException {
            ProcessWorker.checkpoint();
            builtin.apply(scope, args, in, path, (value, valuePath) -> {
                ProcessWorker.checkpoint();
                output.emit(value, valuePath);
            }, version);
        }
    }

    private record Add(Function jqDefinition) implements Function {
        private static final PlusOperator PLUS = new PlusOperator();

        @Override
        public void apply(Scope scope, List<Expression> args, JsonNode in, Path path, PathOutput output, Version version)
                throws JsonQueryException {
            if (in.isArray()) {
                JsonNode sum = NullNode.getInstance();
                for (int i = 0; i < in.size(); i++) {
                    sum = PLUS.apply(scope.getObjectMapper(), sum, in.get(i));
                }
                output.emit(sum, null);
            } else if (in.isObject()) {
                JsonNode sum = NullNode.getInstance();
                for (Iterator<JsonNode> values = in.elements(); values.hasNext(); ) {
                    sum = PLUS.apply(scope.getObjectMapper(), sum, values.next());
                }
                output.emit(sum, null);
            } else {
                jqDefinition.apply(scope, args, in, path, output, version);
            }
        }
    }
}

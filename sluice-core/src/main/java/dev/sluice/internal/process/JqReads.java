package dev.sluice.internal.process;

import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.internal.IsolatedScopeQuery;
import net.thisptr.jackson.jq.internal.misc.Pair;
import net.thisptr.jackson.jq.internal.tree.ArrayConstruction;
import net.thisptr.jackson.jq.internal.tree.Conditional;
import net.thisptr.jackson.jq.internal.tree.FunctionCall;
import net.thisptr.jackson.jq.internal.tree.IdentifierKeyFieldConstruction;
import net.thisptr.jackson.jq.internal.tree.JsonQueryKeyFieldConstruction;
import net.thisptr.jackson.jq.internal.tree.NegativeExpression;
import net.thisptr.jackson.jq.internal.tree.ObjectConstruction;
import net.thisptr.jackson.jq.internal.tree.PipedQuery;
import net.thisptr.jackson.jq.internal.tree.RecursionOperator;
import net.thisptr.jackson.jq.internal.tree.StringKeyFieldConstruction;
import net.thisptr.jackson.jq.internal.tree.ThisObject;
import net.thisptr.jackson.jq.internal.tree.TopLevelExpression;
import net.thisptr.jackson.jq.internal.tree.TransformPipeComponent;
import net.thisptr.jackson.jq.internal.tree.TryCatch;
import net.thisptr.jackson.jq.internal.tree.Tuple;
import net.thisptr.jackson.jq.internal.tree.binaryop.AlternativeOperatorExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.BooleanAndExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.BooleanOrExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.DivideExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.MinusExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.ModuloExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.MultiplyExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.PlusExpression;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareEqualTest;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareGreaterEqualTest;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareGreaterTest;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareLessEqualTest;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareLessTest;
import net.thisptr.jackson.jq.internal.tree.binaryop.comparison.CompareNotEqualTest;
import net.thisptr.jackson.jq.internal.tree.fieldaccess.BracketExtractFieldAccess;
import net.thisptr.jackson.jq.internal.tree.fieldaccess.BracketFieldAccess;
import net.thisptr.jackson.jq.internal.tree.fieldaccess.IdentifierFieldAccess;
import net.thisptr.jackson.jq.internal.tree.fieldaccess.StringFieldAccess;
import net.thisptr.jackson.jq.internal.tree.literal.BooleanLiteral;
import net.thisptr.jackson.jq.internal.tree.literal.DoubleLiteral;
import net.thisptr.jackson.jq.internal.tree.literal.LongLiteral;
import net.thisptr.jackson.jq.internal.tree.literal.NullLiteral;
import net.thisptr.jackson.jq.internal.tree.literal.StringLiteral;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Works out, from a compiled jq expression, which parts of its input it can read ({@link Projection}),
 * so that a body is built into a tree only that far. An abstract run of the expression: each value is
 * either a place in the input (a {@link Projection.Builder}) or {@link Projection.Builder#OPAQUE}, made
 * by the expression. Where a place is read, it is marked: its type only (truthiness, {@code length},
 * {@code keys}), or in full (arithmetic, comparison, anything put into a constructed value, the output).
 *
 * <p>Conservative: it knows a list of node types of jackson-jq 1.6's syntax tree (read by reflection:
 * the fields are private) and the few builtins whose reads are narrower than "all of the input"; any
 * other builtin reads its whole input. Variables, {@code reduce}, {@code def}, {@code try … catch},
 * assignments, string interpolation, {@code @format} and anything unknown make the analysis give up
 * (null): the whole body is read, as before. A different jackson-jq version with other fields also
 * gives up, never guesses.
 */
final class JqReads {
    private static final Set<Class<?>> ARITHMETIC = Set.of(PlusExpression.class, MinusExpression.class,
            MultiplyExpression.class, DivideExpression.class, ModuloExpression.class, CompareEqualTest.class,
            CompareNotEqualTest.class, CompareLessTest.class, CompareLessEqualTest.class, CompareGreaterTest.class,
            CompareGreaterEqualTest.class);
    private static final Set<Class<?>> LITERALS = Set.of(BooleanLiteral.class, DoubleLiteral.class, LongLiteral.class,
            NullLiteral.class, StringLiteral.class);
    /** Builtins that read only the input's type (and size, member names): nothing inside it. */
    private static final Set<String> SHALLOW_BUILTINS = Set.of("length/0", "keys/0", "keys_unsorted/0", "type/0", "not/0");

    /** The expression is outside what this analysis knows. */
    private static final class Unsupported extends Exception {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private JqReads() {
    }

    /** What {@code query} can read of its input; null when that is not known (read everything). */
    static Projection of(JsonQuery query) {
        try {
            Projection.Builder root = new Projection.Builder();
            for (Projection.Builder out : eval((Expression) field(query, "expr"), root)) {
                out.full(); // the outputs are serialized
            }
            return root.build();
        } catch (Unsupported | RuntimeException e) {
            return null;
        }
    }

    /** The values {@code e} can output for input {@code in}, marking what it reads. */
    private static List<Projection.Builder> eval(Expression e, Projection.Builder in) throws Unsupported {
        Class<?> c = e.getClass();
        if (c == IsolatedScopeQuery.class) {
            return eval((Expression) field(e, "q"), in);
        }
        if (c == TopLevelExpression.class) {
            if (field(e, "moduleDirective") != null || !((List<?>) field(e, "imports")).isEmpty()) {
                throw new Unsupported("modules");
            }
            return eval((Expression) field(e, "expr"), in);
        }
        if (c == ThisObject.class) {
            return List.of(in);
        }
        if (LITERALS.contains(c)) {
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == PipedQuery.class) {
            List<Projection.Builder> values = List.of(in);
            for (Object component : (List<?>) field(e, "components")) {
                if (component.getClass() != TransformPipeComponent.class) {
                    throw new Unsupported("'as' bindings");
                }
                List<Projection.Builder> next = new ArrayList<>();
                for (Projection.Builder v : values) {
                    next.addAll(eval(((TransformPipeComponent) component).expr, v));
                }
                values = next;
            }
            return values;
        }
        if (c == Tuple.class) {
            List<Projection.Builder> out = new ArrayList<>();
            for (Expression q : ((Tuple) e).qs) {
                out.addAll(eval(q, in));
            }
            return out;
        }
        if (c == IdentifierFieldAccess.class) {
            String name = (String) field(e, "field");
            return map(eval(target(e), in), v -> v.member(name));
        }
        if (c == BracketExtractFieldAccess.class) {
            return map(eval(target(e), in), Projection.Builder::any);
        }
        if (c == StringFieldAccess.class) { // ."name", ."\(…)"
            Expression key = (Expression) field(e, "field");
            readFully(key, in);
            String name = key.getClass() == StringLiteral.class ? ((StringLiteral) key).value().asText() : null;
            return map(eval(target(e), in), v -> name != null ? v.member(name) : v.any());
        }
        if (c == BracketFieldAccess.class) { // .[i], .["name"], .[a:b], .[expr]
            Expression start = (Expression) field(e, "startExpr");
            Expression end = (Expression) field(e, "endExpr");
            boolean range = (Boolean) field(e, "isRange");
            readFully(start, in);
            if (end != null) {
                readFully(end, in);
            }
            List<Projection.Builder> targets = eval(target(e), in);
            if (!range && (start.getClass() == LongLiteral.class || start.getClass() == DoubleLiteral.class)) {
                return map(targets, Projection.Builder::any); // an element: every element is built, so negative indexes count right
            }
            if (!range && start.getClass() == StringLiteral.class) {
                String name = ((StringLiteral) start).value().asText();
                return map(targets, v -> v.member(name));
            }
            targets.forEach(Projection.Builder::full); // slices, .[expr], .[array]: all of it
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == ArrayConstruction.class) {
            Expression q = ((ArrayConstruction) e).q;
            if (q != null) {
                readFully(q, in);
            }
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == ObjectConstruction.class) {
            for (Object f : ((ObjectConstruction) e).fields) {
                if (f instanceof IdentifierKeyFieldConstruction k && f.getClass() == IdentifierKeyFieldConstruction.class) {
                    if (k.value == null) {
                        in.member(k.key).full(); // {name}
                    } else {
                        readFully(k.value, in);
                    }
                } else if (f instanceof StringKeyFieldConstruction k && f.getClass() == StringKeyFieldConstruction.class) {
                    readFully(k.key, in);
                    if (k.value != null) {
                        readFully(k.value, in);
                    } else if (k.key.getClass() == StringLiteral.class) {
                        in.member(((StringLiteral) k.key).value().asText()).full(); // {"name"}
                    } else {
                        in.full();
                    }
                } else if (f.getClass() == JsonQueryKeyFieldConstruction.class) {
                    readFully((Expression) field(f, "key"), in);
                    readFully((Expression) field(f, "value"), in);
                } else {
                    throw new Unsupported("object key " + f.getClass().getSimpleName());
                }
            }
            return List.of(Projection.Builder.OPAQUE);
        }
        if (ARITHMETIC.contains(c)) {
            readFully((Expression) field(e, "lhs"), in);
            readFully((Expression) field(e, "rhs"), in);
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == BooleanAndExpression.class || c == BooleanOrExpression.class) {
            readType((Expression) field(e, "lhs"), in);
            readType((Expression) field(e, "rhs"), in);
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == AlternativeOperatorExpression.class) { // a // b: a's truthy outputs, else b's
            List<Projection.Builder> out = new ArrayList<>(eval((Expression) field(e, "lhs"), in));
            out.forEach(Projection.Builder::shallow);
            out.addAll(eval((Expression) field(e, "rhs"), in));
            return out;
        }
        if (c == Conditional.class) {
            List<Projection.Builder> out = new ArrayList<>();
            for (Object sw : (List<?>) field(e, "switches")) {
                Pair<?, ?> pair = (Pair<?, ?>) sw;
                readType((Expression) pair._1, in);
                out.addAll(eval((Expression) pair._2, in));
            }
            Expression otherwise = (Expression) field(e, "otherwise");
            out.addAll(otherwise == null ? List.of(in) : eval(otherwise, in));
            return out;
        }
        if (c == TryCatch.Question.class || (c == TryCatch.class && field(e, "catchExpr") == null)) {
            return eval((Expression) field(e, "tryExpr"), in); // errors are dropped: they happen alike on both trees
        }
        if (c == NegativeExpression.class) {
            readFully((Expression) field(e, "value"), in);
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == RecursionOperator.class) { // ..
            in.full();
            return List.of(Projection.Builder.OPAQUE);
        }
        if (c == FunctionCall.class) {
            return call(e, in);
        }
        throw new Unsupported(c.getName());
    }

    private static List<Projection.Builder> call(Expression e, Projection.Builder in) throws Unsupported {
        if (field(e, "moduleName") != null) {
            throw new Unsupported("module functions");
        }
        String name = (String) field(e, "name");
        List<?> args = (List<?>) field(e, "args");
        String key = name + "/" + args.size();
        if (key.equals("empty/0")) {
            return List.of();
        }
        if (SHALLOW_BUILTINS.contains(key)) {
            in.shallow();
            return List.of(Projection.Builder.OPAQUE);
        }
        switch (key) {
            case "add/0" -> { // reduce .[] as $x (null; . + $x)
                in.shallow();
                in.any().full();
                return List.of(Projection.Builder.OPAQUE);
            }
            case "has/1" -> {
                in.shallow();
                readFully((Expression) args.get(0), in);
                return List.of(Projection.Builder.OPAQUE);
            }
            case "select/1" -> { // if f then . else empty end
                readType((Expression) args.get(0), in);
                return List.of(in);
            }
            case "map/1" -> { // [.[] | f]
                readFully((Expression) args.get(0), in.any());
                return List.of(Projection.Builder.OPAQUE);
            }
            default -> {
                // Any other builtin: it may read all of its input. Its arguments run on the input or on values
                // inside it, all built then; run here only to give up on what this analysis does not know.
                in.full();
                for (Object arg : args) {
                    readFully((Expression) arg, in);
                }
                return List.of(Projection.Builder.OPAQUE);
            }
        }
    }

    private static void readFully(Expression e, Projection.Builder in) throws Unsupported {
        eval(e, in).forEach(Projection.Builder::full);
    }

    /** Truthiness, type: what a condition reads of its values. */
    private static void readType(Expression e, Projection.Builder in) throws Unsupported {
        eval(e, in).forEach(Projection.Builder::shallow);
    }

    private static Expression target(Expression e) throws Unsupported {
        return (Expression) field(e, "target");
    }

    private interface Step {
        Projection.Builder apply(Projection.Builder v);
    }

    private static List<Projection.Builder> map(List<Projection.Builder> values, Step step) {
        List<Projection.Builder> out = new ArrayList<>(values.size());
        for (Projection.Builder v : values) {
            out.add(step.apply(v));
        }
        return out;
    }

    private static Object field(Object o, String name) throws Unsupported {
        try {
            return JqFunctions.read(o, name);
        } catch (IllegalStateException e) {
            throw new Unsupported(e.getMessage());
        }
    }
}

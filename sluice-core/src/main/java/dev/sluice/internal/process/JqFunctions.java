package dev.sluice.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.internal.tree.FunctionCall;
import net.thisptr.jackson.jq.internal.tree.FunctionDefinition;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The functions a compiled jq expression calls that neither jq's builtins nor the expression itself define.
 * jackson-jq looks functions up only when a call runs, so {@code nosuchfn(1)} compiles and then fails every
 * body; this finds it before any request.
 *
 * <p>Reads jackson-jq's syntax tree by reflection (its fields are private, as {@link JqReads} does), every
 * field of every node. A name defined anywhere in the expression ({@code def f(g; $x): …} defines {@code f/2},
 * {@code g/0} and {@code x/0}) counts as defined everywhere: the check finds names that exist nowhere, not
 * names used out of their scope (jq itself reports those when it runs).
 */
final class JqFunctions {
    private final Set<String> called = new LinkedHashSet<>();
    private final Set<String> defined = new LinkedHashSet<>();
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private JqFunctions() {
    }

    /** The calls in {@code query} to functions that are not defined, as {@code name/arity}, in order; empty when none. */
    static List<String> undefined(JsonQuery query, Scope builtins) {
        JqFunctions walk = new JqFunctions();
        walk.visit(query);
        List<String> missing = new ArrayList<>();
        for (String call : walk.called) {
            int slash = call.lastIndexOf('/');
            if (!walk.defined.contains(call)
                    && builtins.getFunction(call.substring(0, slash), Integer.parseInt(call.substring(slash + 1))) == null) {
                missing.add(call);
            }
        }
        return missing;
    }

    private void visit(Object node) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            items.forEach(this::visit);
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> {
                visit(k);
                visit(v);
            });
            return;
        }
        if (node instanceof Object[] items) {
            for (Object item : items) {
                visit(item);
            }
            return;
        }
        if (!isTreeNode(node)) {
            return;
        }
        if (node instanceof FunctionCall) {
            called.add(read(node, "name") + "/" + ((List<?>) read(node, "args")).size());
        }
        if (node instanceof FunctionDefinition) {
            List<?> params = (List<?>) read(node, "args");
            defined.add(read(node, "fname") + "/" + params.size());
            for (Object p : params) {
                defined.add(p.toString().replaceFirst("^\\$", "") + "/0");
            }
        }
        for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                    visit(read(node, f));
                }
            }
        }
    }

    /** jackson-jq's own objects, but for its scopes (the builtins live there) and versions. */
    private static boolean isTreeNode(Object o) {
        return o.getClass().getName().startsWith("net.thisptr.jackson.jq.")
                && !(o instanceof Scope) && !(o instanceof Version) && !(o instanceof JsonNode);
    }

    /** Field {@code name} of a syntax-tree node, private or not, declared by its class or a superclass. */
    static Object read(Object node, String name) {
        for (Class<?> c = node.getClass(); c != null; c = c.getSuperclass()) {
            try {
                return read(node, c.getDeclaredField(name));
            } catch (NoSuchFieldException next) {
                // look in the superclass
            }
        }
        throw new IllegalStateException("no field " + name + " in " + node.getClass().getName());
    }

    private static Object read(Object node, Field f) {
        try {
            f.setAccessible(true);
            return f.get(node);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + f.getName() + " of " + node.getClass().getName() + ": " + e, e);
        }
    }
}

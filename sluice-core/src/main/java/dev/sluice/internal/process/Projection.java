package dev.sluice.internal.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What of a JSON value a jq expression can read, as a tree: the value in full, or its type and some of
 * its children. {@link ProjectingReader} builds only that much of a body's tree; the rest is checked for
 * syntax and dropped.
 *
 * <p>A value that is read at all is always built with its own type (so every type error happens as on
 * the whole tree). Beyond that: {@link #full} the whole subtree; else {@link #allKeys} every member name
 * of an object (with a placeholder value unless a child is wanted), and for an array every element
 * (a placeholder unless {@link #any} is wanted); the members named in {@link #names}, built as their
 * {@link #children} say; {@link #any} every element or member value. Members of an object that are
 * neither named nor covered by {@code allKeys}/{@code any} are left out: nothing reads them.
 *
 * <p>Immutable, thread-safe. Built from a {@link Builder} once per expression.
 */
final class Projection {
    /** The whole value. */
    static final Projection FULL = new Projection(true, false, new String[0], new Projection[0], null);
    /** Only the type of the value (and, for a container, its size and member names). */
    static final Projection SHALLOW = new Projection(false, true, new String[0], new Projection[0], null);

    final boolean full;
    final boolean allKeys;
    final String[] names;
    /** {@link #names} in UTF-8, to compare with the body's bytes. */
    final byte[][] utf8;
    final Projection[] children;
    final Projection any;

    private Projection(boolean full, boolean allKeys, String[] names, Projection[] children, Projection any) {
        this.full = full;
        this.allKeys = allKeys;
        this.names = names;
        this.children = children;
        this.any = any;
        this.utf8 = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            utf8[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The projection of member {@code name}; null when nothing reads it. */
    Projection member(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return children[i];
            }
        }
        return any;
    }

    @Override
    public String toString() {
        if (full) {
            return "*";
        }
        StringBuilder s = new StringBuilder(allKeys ? "{keys" : "{");
        for (int i = 0; i < names.length; i++) {
            s.append(s.length() > 1 ? ", " : "").append(names[i]).append(": ").append(children[i]);
        }
        if (any != null) {
            s.append(s.length() > 1 ? ", " : "").append("[]: ").append(any);
        }
        return s.append('}').toString();
    }

    /**
     * A projection being worked out: marks only grow ({@link #shallow}, {@link #full}, new members).
     * {@link #OPAQUE} stands for values that are not part of the input (made by the expression, or
     * whose sources are already read in full): marking it does nothing. Not thread-safe.
     */
    static class Builder {
        static final Builder OPAQUE = new Builder() {
            @Override Builder member(String name) { return this; }
            @Override Builder any() { return this; }
            @Override void shallow() { }
            @Override void full() { }
        };

        private boolean full;
        private boolean shallow;
        private final Map<String, Builder> members = new LinkedHashMap<>();
        private Builder any;

        Builder member(String name) {
            return members.computeIfAbsent(name, n -> new Builder());
        }

        Builder any() {
            if (any == null) {
                any = new Builder();
            }
            return any;
        }

        /** Its type, size and member names are read. */
        void shallow() {
            shallow = true;
        }

        /** All of it is read. */
        void full() {
            full = true;
        }

        /** The projection; every element or member value ({@link #any}) also gets what a named member gets. */
        Projection build() {
            return build(List.of(this));
        }

        /** The projection of a value that each of {@code sources} describes (merged). */
        private static Projection build(List<Builder> sources) {
            boolean allKeys = false;
            List<Builder> anys = new ArrayList<>();
            Map<String, List<Builder>> named = new LinkedHashMap<>();
            for (Builder b : sources) {
                if (b.full) {
                    return FULL;
                }
                allKeys |= b.shallow;
                if (b.any != null) {
                    anys.add(b.any);
                }
                b.members.forEach((name, m) -> named.computeIfAbsent(name, k -> new ArrayList<>()).add(m));
            }
            Projection any = anys.isEmpty() ? null : build(anys);
            String[] names = named.keySet().toArray(String[]::new);
            Projection[] children = new Projection[names.length];
            for (int i = 0; i < names.length; i++) {
                List<Builder> parts = new ArrayList<>(named.get(names[i]));
                parts.addAll(anys);
                children[i] = build(parts);
            }
            if (names.length == 0 && any == null && allKeys) {
                return SHALLOW;
            }
            return new Projection(false, allKeys, names, children, any);
        }
    }
}

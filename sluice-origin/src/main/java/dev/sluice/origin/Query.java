package dev.sluice.origin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The parameters of a query string in order, values kept raw (still URL-encoded) so that the query
 * can be rebuilt exactly as sent. Immutable.
 *
 * @param params name and raw value of each parameter; the value is null when the parameter has no {@code =}
 */
record Query(List<Param> params) {
    record Param(String name, String rawValue) {}

    Query {
        params = List.copyOf(params);
    }

    static Query parse(String rawQuery) {
        List<Param> params = new ArrayList<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (!pair.isEmpty()) {
                    params.add(eq < 0 ? new Param(pair, null) : new Param(pair.substring(0, eq), pair.substring(eq + 1)));
                }
            }
        }
        return new Query(params);
    }

    boolean has(String name) {
        return params.stream().anyMatch(p -> p.name().equals(name));
    }

    /** The decoded value of the first parameter with this name, "" if it has none, null if absent. */
    String get(String name) {
        return params.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .map(p -> p.rawValue() == null ? "" : URLDecoder.decode(p.rawValue(), StandardCharsets.UTF_8))
                .orElse(null);
    }

    /** This query with the first parameter of that name given a new raw value, order kept. */
    Query with(String name, String rawValue) {
        List<Param> changed = new ArrayList<>(params);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).name().equals(name)) {
                changed.set(i, new Param(name, rawValue));
                break;
            }
        }
        return new Query(changed);
    }

    /**
     * This query with the first parameter of that name given a new raw value, order kept, or with the
     * parameter appended when it is absent.
     */
    Query set(String name, String rawValue) {
        if (has(name)) {
            return with(name, rawValue);
        }
        List<Param> more = new ArrayList<>(params);
        more.add(new Param(name, rawValue));
        return new Query(more);
    }

    /** The raw query string, without the leading {@code ?}. */
    @Override
    public String toString() {
        return params.stream()
                .map(p -> p.rawValue() == null ? p.name() : p.name() + "=" + p.rawValue())
                .collect(Collectors.joining("&"));
    }
}

package dev.sluice.internal.extract;

import dev.sluice.FetchedBody;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code meta:url} (the URL as given), {@code meta:final_url} (after redirects), {@code meta:status} (a
 * {@link Long}), {@code meta:header.NAME} (the header's first value; all of them with {@code NAME[]}),
 * {@code meta:fetched_at} (an {@link java.time.Instant}): facts of the response, the same for every row.
 *
 * @param header for {@link Fact#HEADER}, the header's name; else null
 */
record MetaSource(Fact fact, String header) implements Source {
    private static final String KNOWN = "url, final_url, status, header.NAME, fetched_at";

    /** Which fact of the response. */
    enum Fact { URL, FINAL_URL, STATUS, HEADER, FETCHED_AT }

    static MetaSource compile(String expression) {
        return switch (expression) {
            case "url" -> new MetaSource(Fact.URL, null);
            case "final_url" -> new MetaSource(Fact.FINAL_URL, null);
            case "status" -> new MetaSource(Fact.STATUS, null);
            case "fetched_at" -> new MetaSource(Fact.FETCHED_AT, null);
            default -> {
                if (expression.startsWith("header.") && expression.length() > "header.".length()) {
                    yield new MetaSource(Fact.HEADER, expression.substring("header.".length()));
                }
                throw new BadSpec("unknown meta '" + expression + "': one of " + KNOWN);
            }
        };
    }

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) {
        FetchedBody r = body.response();
        List<Object> values = new ArrayList<>(1);
        switch (fact) {
            case URL -> values.add(r.url());
            case FINAL_URL -> values.add(r.finalUri() == null ? null : r.finalUri().toString());
            case STATUS -> values.add((long) r.httpStatus());
            case FETCHED_AT -> values.add(body.fetchedAt());
            case HEADER -> {
                if (all) {
                    values.addAll(r.headers().all(header));
                } else {
                    values.add(r.headers().first(header));
                }
            }
        }
        return values;
    }

    @Override
    public Reads reads() {
        return Reads.ANY;
    }
}

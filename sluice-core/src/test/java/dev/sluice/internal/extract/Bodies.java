package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.Headers;
import dev.sluice.TableRow;
import dev.sluice.TableSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The extractor's tests' responses (pages of src/test/resources/extract, or text) and shortcuts to their rows. */
final class Bodies {
    static final Instant FETCHED_AT = Instant.parse("2024-05-01T12:00:00Z");

    private Bodies() {
    }

    /** A test resource's bytes. */
    static byte[] resource(String name) {
        try (InputStream in = Bodies.class.getResourceAsStream("/extract/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FetchedBody page(String resource, String url) {
        return body(url, "text/html; charset=utf-8", resource(resource), Map.of());
    }

    static FetchedBody html(String html) {
        return body("https://shop.example.com/p/1", "text/html", html.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static FetchedBody json(String json) {
        return body("https://api.example.com/v1/docs?page=1", "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static FetchedBody body(String url, String contentType, byte[] body, Map<String, List<String>> headers) {
        return new FetchedBody(url, URI.create(url), 200, contentType, body, headers(headers));
    }

    private static Headers headers(Map<String, List<String>> given) {
        Map<String, List<String>> byName = new TreeMap<>();
        given.forEach((k, v) -> byName.put(k.toLowerCase(Locale.ROOT), v));
        return new Headers() {
            @Override
            public String first(String name) {
                List<String> all = all(name);
                return all.isEmpty() ? null : all.get(0);
            }

            @Override
            public List<String> all(String name) {
                return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            }
        };
    }

    static TableSpec.Builder table(String name, String... fields) {
        TableSpec.Builder b = TableSpec.builder(name);
        for (String f : fields) {
            b.field(f);
        }
        return b;
    }

    static Extraction extract(TableSpec spec, FetchedBody body) {
        try {
            return Extractor.compile(spec).extract(body, FETCHED_AT);
        } catch (Exception e) {
            throw new AssertionError("extract failed: " + e.getMessage(), e);
        }
    }

    /** The rows of {@code table}, in order. */
    static List<TableRow> rows(Extraction x, String table) {
        return x.rows().stream().filter(r -> r.table().equals(table)).toList();
    }

    /** The values of the one row of {@code table}. */
    static Map<String, Object> only(Extraction x, String table) {
        List<TableRow> rows = rows(x, table);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row of " + table + ", got " + rows);
        }
        return rows.get(0).values();
    }

    /** The values of {@code table}'s column {@code column}, row by row. */
    static List<Object> column(Extraction x, String table, String column) {
        return rows(x, table).stream().map(r -> r.values().get(column)).toList();
    }

    /** A row's expected values, in order: name, value, name, value, … (nulls allowed). */
    static Map<String, Object> values(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }
}

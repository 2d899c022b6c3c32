package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.TableSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sluice.internal.extract.Bodies.table;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One compiled {@link Extractor} on several threads at once, as the CPU pool runs it, each thread on other bodies
 * than the others at any moment: every extraction equals the one the same body gets on one thread. For JSON the
 * extractor is a fresh one, so its shared places ({@link JsonPath}) are named while the threads race, past the bound
 * of places it keeps.
 */
class ExtractConcurrentTest {
    private static final int THREADS = 8;
    private static final int BODIES = 96;

    private static final TableSpec ITEMS = table("items",
            "sku!=css:li::attr(data-sku)",
            "name=css:a",
            "href=css:a::attr(href) | url",
            "price:decimal(12,2)=css:.price | num",
            "day=css:time | date:d MMM yyyy",
            "path=xpath:a/@href",
            "position:bigint=xpath:count(preceding-sibling::li) + 1",
            "raw=re:data-sku=\"([^\"]+)\"",
            "page=meta:url",
            "product=jsonld:.sku",
            "offer_price:double=jsonld:.offers.price",
            "tags[]=css:.tag")
            .rows("css:ul.results > li").build();

    private static final TableSpec RECORDS = table("records").jq(".data[]").maxNesting(2).build();

    private static FetchedBody page(int i) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><title>Page ").append(i).append("</title>")
                .append("<base href=\"/c/").append(i % 5).append("/\">")
                .append("<script type=\"application/ld+json\">{\"@type\": \"Product\", \"sku\": \"S-").append(i)
                .append("\", \"offers\": {\"price\": \"").append(i).append(".99\"}}</script>");
        if (i % 3 == 0) {
            b.append("<script type=\"application/ld+json\">{ broken ").append(i).append(" }</script>");
        }
        b.append("</head><body><h1>Anvils ").append(i).append("</h1><ul class=\"results\">");
        for (int j = 0; j < 1 + i % 7; j++) {
            b.append("\n<li").append(j % 5 == 4 ? "" : " data-sku=\"A" + i + "-" + j + "\"").append(">")
                    .append("<a href=\"p/").append(j).append("?from=").append(i).append("&amp;x=1\">Item ").append(j)
                    .append("</a> <span class=\"price\">")
                    .append(j % 4 == 3 ? "call us" : "$" + (i * 1000 + j) + "," + String.format("%03d", j) + ".50")
                    .append("</span><time>").append(1 + (i + j) % 28).append(j % 2 == 0 ? " Mar 2024" : " MAR 2024")
                    .append("</time>");
            for (int t = 0; t < j % 3; t++) {
                b.append("<span class=\"tag\">t").append(i % 4).append('-').append(t).append("</span>");
            }
        }
        b.append("\n</ul></body></html>");
        return Bodies.body("https://shop.example.com/list/" + i + "?page=" + (i % 4), "text/html",
                b.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static FetchedBody json(int i) {
        StringBuilder b = new StringBuilder("{\"data\": [");
        for (int j = 0; j < 1 + i % 5; j++) {
            if (j > 0) {
                b.append(',');
            }
            b.append("{\"id\": ").append(i * 100 + j)
                    .append(", \"userID\": \"u").append(j).append("\", \"user_id\": ").append(j)
                    .append(", \"Field").append(i % 17).append("Name\": ").append(j % 2 == 0)
                    .append(", \"profile\": {\"createdAt\": \"2024-01-0").append(1 + j).append("T10:00:00Z\"")
                    .append(", \"Score\": ").append(j * 1.5)
                    .append(", \"Nested").append(i).append("\": {\"deep").append(j).append("\": \"x\"}}")
                    .append(", \"tags\": [");
            for (int t = 0; t < j; t++) {
                b.append(t > 0 ? "," : "").append("\"t").append(t).append('"');
            }
            b.append("], \"orders\": [{\"no\": ").append(j).append(", \"lines\": [{\"sku\": \"K").append(i)
                    .append("\", \"qty\": ").append(j + 1).append(", \"dims\": [1, 2]}]}]")
                    .append(", \"byId\": {");
            // keys that are data: more places than an extractor keeps, over all the bodies
            for (int k = 0; k < 300; k++) {
                b.append(k > 0 ? "," : "").append("\"item").append(i * 1000 + k).append("\": ").append(k);
            }
            b.append("}}");
        }
        b.append("]}");
        return Bodies.body("https://api.example.com/v1/records?page=" + i, "application/json",
                b.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static List<FetchedBody> bodies(boolean html) {
        List<FetchedBody> bodies = new ArrayList<>(BODIES);
        for (int i = 0; i < BODIES; i++) {
            bodies.add(html ? page(i) : json(i));
        }
        return bodies;
    }

    private static List<Extraction> sequentially(TableSpec spec, List<FetchedBody> bodies) throws Exception {
        Extractor extractor = Extractor.compile(spec);
        List<Extraction> out = new ArrayList<>(bodies.size());
        for (FetchedBody body : bodies) {
            out.add(extractor.extract(body, Bodies.FETCHED_AT));
        }
        return out;
    }

    /**
     * Every body extracted by every thread with one fresh extractor, the threads started together, each going
     * through the bodies from its own place on: each thread's extractions in body order.
     */
    private static List<List<Extraction>> concurrently(TableSpec spec, List<FetchedBody> bodies) throws Exception {
        Extractor extractor = Extractor.compile(spec);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<List<Extraction>>> threads = new ArrayList<>(THREADS);
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int from = t * bodies.size() / THREADS;
                threads.add(pool.submit(() -> {
                    Extraction[] out = new Extraction[bodies.size()];
                    start.await(30, TimeUnit.SECONDS);
                    for (int k = 0; k < bodies.size(); k++) {
                        int i = (from + k) % bodies.size();
                        out[i] = extractor.extract(bodies.get(i), Bodies.FETCHED_AT);
                    }
                    return List.of(out);
                }));
            }
            List<List<Extraction>> results = new ArrayList<>(THREADS);
            for (Future<List<Extraction>> f : threads) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    private static void assertSameAsSequentially(TableSpec spec, List<FetchedBody> bodies) throws Exception {
        List<Extraction> expected = sequentially(spec, bodies);
        List<List<List<String>>> expectedColumns = expected.stream().map(ExtractConcurrentTest::columns).toList();
        for (int round = 0; round < 2; round++) {
            List<List<Extraction>> threads = concurrently(spec, bodies);
            for (int t = 0; t < THREADS; t++) {
                List<Extraction> got = threads.get(t);
                assertThat(got).as("round %d, thread %d", round, t).isEqualTo(expected);
                // and the columns in the same order
                assertThat(got.stream().map(ExtractConcurrentTest::columns).toList()).as("round %d, thread %d", round, t)
                        .isEqualTo(expectedColumns);
            }
        }
    }

    /** Each row's columns, in order. */
    private static List<List<String>> columns(Extraction x) {
        return x.rows().stream().map(r -> List.copyOf(r.values().keySet())).toList();
    }

    @Test
    void oneHtmlExtractorOnSeveralThreadsGivesWhatItGivesOnOne() throws Exception {
        List<FetchedBody> bodies = bodies(true);
        List<Extraction> expected = sequentially(ITEMS, bodies);
        // the bodies make what the fields can make: rows, child rows and rejects of each kind
        assertThat(expected).allSatisfy(x -> assertThat(x.rows()).isNotEmpty());
        assertThat(expected).flatMap(Extraction::rows).extracting(r -> r.table()).contains("items", "items__tags");
        assertThat(expected).flatMap(Extraction::rejects).extracting(r -> r.reason())
                .contains("not a number", "required, but missing")
                .anySatisfy(reason -> assertThat(reason).startsWith("JSON-LD block 2 is not JSON"));
        assertThat(expected.get(10).rows().get(0).values()).containsEntry("href", "https://shop.example.com/c/0/p/0?from=10&x=1")
                .containsEntry("price", new BigDecimal("10000000.50"))
                .containsEntry("day", LocalDate.of(2024, 3, 11));
        assertSameAsSequentially(ITEMS, bodies);
    }

    @Test
    void oneJsonExtractorOnSeveralThreadsGivesWhatItGivesOnOne() throws Exception {
        List<FetchedBody> bodies = bodies(false);
        List<Extraction> expected = sequentially(RECORDS, bodies);
        assertThat(expected.get(1).rows().get(0).values()).containsKeys("id", "user_id", "user_id_2", "field1_name",
                "profile__created_at", "profile__score", "profile__nested1__deep0", "by_id__item1000");
        assertThat(expected).flatMap(Extraction::rows).extracting(r -> r.table())
                .contains("records", "records__tags", "records__orders", "records__orders__lines");
        // places past the bound are named anew every time
        long places = expected.stream().flatMap(x -> x.rows().stream()).flatMap(r -> r.values().keySet().stream())
                .distinct().count();
        assertThat(places).isGreaterThan(JsonPath.MAX_KEPT);
        assertSameAsSequentially(RECORDS, bodies);
    }
}

package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.Rejected;
import dev.sluice.TableRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.sluice.internal.extract.Bodies.column;
import static dev.sluice.internal.extract.Bodies.extract;
import static dev.sluice.internal.extract.Bodies.only;
import static dev.sluice.internal.extract.Bodies.page;
import static dev.sluice.internal.extract.Bodies.rows;
import static dev.sluice.internal.extract.Bodies.table;
import static dev.sluice.internal.extract.Bodies.values;
import static org.assertj.core.api.Assertions.assertThat;

/** The sources on real-looking pages: css, xpath, jsonld, re, meta; one row per page; NAME[] child tables. */
class ExtractHtmlTest {
    private static final String PRODUCT_URL = "https://shop.example.com/p/anvil-50?utm=x";
    private static final FetchedBody PRODUCT = page("product.html", PRODUCT_URL);

    private static Map<String, Object> product(String... fields) {
        Extraction x = extract(table("pages", fields).build(), PRODUCT);
        return only(x, "pages");
    }

    @Test
    void cssTextIsDecodedAndWhitespaceNormalisedOwnTextHtmlAndAttributes() {
        Map<String, Object> row = product(
                "title=css:title::text",
                "h1=css:h1.title",
                "own=css:h1.title::own-text",
                "description=css:div.description::html",
                "id=css:div.product::attr(data-id)",
                "material=css:table.specs tr:nth-child(2) td");
        assertThat(row).containsExactlyEntriesOf(values(
                "title", "Acme Anvil & Stand – 50 kg | Acme Store",
                "h1", "Acme Anvil & Stand 50 kg",
                "own", "Acme Anvil & Stand",
                "description", "Heavy-duty <b>forged</b> anvil.<br>Ships in 2–3 days.",
                "id", "50",
                "material", "Forged steel"));
    }

    @Test
    void brokenMarkupIsReadAsBrowsersReadIt() {
        // the <p> and <li> elements are never closed: each ends where the next begins
        Map<String, Object> row = product("was=css:p.was-price", "stock=css:p.stock", "last=css:ul.gallery li:last-child img::attr(alt)");
        assertThat(row).containsExactlyEntriesOf(values(
                "was", "Was: $1,499.00",
                "stock", "In stock: 12 units",
                "last", "No source"));
    }

    @Test
    void aFieldWithNoMatchIsNullAndNoReject() {
        Extraction x = extract(table("pages", "title=css:title", "missing=css:div.nothing-here",
                "noattr=css:h1::attr(data-nope)", "empty=css:p.nothing").build(), PRODUCT);
        assertThat(only(x, "pages")).containsEntry("missing", null).containsEntry("noattr", null).containsKey("empty");
        assertThat(x.rejects()).isEmpty();
    }

    @Test
    void allMatchesMakeAChildTableWithValueRowsPointingAtTheParent() {
        Extraction x = extract(table("pages", "title=css:title", "images[]=css:img::attr(src) | url",
                "alts[]=css:img::attr(alt)").build(), PRODUCT);
        List<TableRow> images = rows(x, "pages__images");
        // the fourth <img> has no src: no value, no row; relative URLs resolve against <base href="/shop/catalog/">
        assertThat(images).extracting(TableRow::row, TableRow::parentRow, TableRow::index).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 0, 0), org.assertj.core.groups.Tuple.tuple(1, 0, 1),
                org.assertj.core.groups.Tuple.tuple(2, 0, 2));
        assertThat(column(x, "pages__images", "value")).containsExactly(
                "https://shop.example.com/shop/catalog/img/anvil-front.jpg",
                "https://cdn.example.com/anvil-side.jpg",
                "https://img.example.org/anvil%20top.jpg");
        assertThat(column(x, "pages__alts", "value")).containsExactly("Front", "Side", "Top", "No source");
        assertThat(x.rows().get(0).table()).isEqualTo("pages");
        assertThat(only(x, "pages")).containsOnlyKeys("title");
    }

    @Test
    void xpathNodesStringsCountsAndAttributes() {
        Map<String, Object> row = product(
                "h1=xpath://h1",
                "weight=xpath://table[@class='specs']//th[.='Weight']/following-sibling::td",
                "alt=xpath://img/@alt",
                "canonical=xpath:string(//link[@rel='canonical']/@href)",
                "n:bigint=xpath:count(//ul[@class='gallery']/li)",
                "count=xpath:count(//img)",
                "ratio=xpath:count(//img[@src]) div count(//img)",
                "has=xpath:boolean(//time)",
                "either=xpath://nothing | //time/@datetime");
        assertThat(row).containsExactlyEntriesOf(values(
                "h1", "Acme Anvil & Stand 50 kg",
                "weight", "50 kg",
                "alt", "Front",
                "canonical", "https://shop.example.com/p/anvil-50",
                "n", 4L,
                "count", 4L,
                "ratio", 0.75,
                "has", true,
                "either", "2024-03-05"));
    }

    @Test
    void xpathAllMatches() {
        Extraction x = extract(table("pages", "specs[]=xpath://table[@class='specs']//th").build(), PRODUCT);
        assertThat(column(x, "pages__specs", "value")).containsExactly("Weight", "Material");
    }

    @Test
    void jsonLdReadsEachBlockSkipsBrokenOnesAndCountsAnArraysElements() {
        Extraction x = extract(table("pages",
                "sku:text!=jsonld:.sku",
                "price:decimal(10,2)=jsonld:.offers.price",
                "currency=jsonld:.offers.priceCurrency",
                "until=jsonld:.offers.priceValidUntil",
                "released=jsonld:.releaseDate",
                "rating:double=jsonld:.aggregateRating.ratingValue",
                "reviews:bigint=jsonld:.aggregateRating.reviewCount",
                "description=jsonld:select(.\"@type\" == \"Product\") | .description",
                "brand=jsonld:select(.\"@type\" == \"Brand\") | .name",
                "types[]=jsonld:.\"@type\"",
                "offer:json=jsonld:.offers").build(), PRODUCT);
        Map<String, Object> row = only(x, "pages");
        assertThat(row).containsEntry("sku", "AN-50")
                .containsEntry("price", new BigDecimal("1299.00"))
                .containsEntry("currency", "USD")
                .containsEntry("until", Instant.parse("2025-12-31T23:59:59Z"))
                .containsEntry("released", LocalDate.of(2023, 11, 2))
                .containsEntry("rating", 4.6)
                .containsEntry("reviews", 87L)
                .containsEntry("description", "Forged steel.\nShips in 2-3 days.")
                .containsEntry("brand", "Acme");
        assertThat(((TableRow.Json) row.get("offer")).text()).startsWith("{\"@type\":\"Offer\",\"price\":1299.0,");
        assertThat(column(x, "pages__types", "value")).containsExactly("BreadcrumbList", "Product", "WebSite", "Brand");
        // the third block is not JSON: left out, and said once
        assertThat(x.rejects()).singleElement().satisfies(r -> {
            assertThat(r.row()).isEqualTo(-1);
            assertThat(r.column()).isEqualTo("sku");
            assertThat(r.selector()).isEqualTo("jsonld:.sku");
            assertThat(r.value()).contains("\"Organization\"");
            assertThat(r.reason()).startsWith("JSON-LD block 3 is not JSON, left out: ");
        });
    }

    @Test
    void jsonLdGraphMembersAreBlocks() {
        Extraction x = extract(table("pages", "name=jsonld:select(.\"@type\" == \"Product\") | .name").build(), Bodies.html("""
                <script type="application/ld+json; charset=utf-8">
                {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "Product", "name": "Pin"}]}
                </script>"""));
        assertThat(only(x, "pages")).containsEntry("name", "Pin");
    }

    @Test
    void regexOnTheBodyTextGroupOneOrTheWholeMatch() {
        Map<String, Object> row = product(
                "product_id:bigint=re:\"productId\": (\\d+)",
                "warehouse=re:\"warehouse\": \"([^\"]+)\"",
                "kg=re:\\d+ kg",
                "none=re:no such (text)");
        assertThat(row).containsExactlyEntriesOf(values(
                "product_id", 50L,
                "warehouse", "Reno|NV",
                "kg", "50 kg",
                "none", null));
    }

    @Test
    void metaFactsOfTheResponse() {
        FetchedBody body = Bodies.body(PRODUCT_URL, "text/html", Bodies.resource("product.html"),
                Map.of("ETag", List.of("\"v1\""), "Link", List.of("<a>; rel=next", "<b>; rel=prev")));
        Extraction x = extract(table("pages", "url=meta:url", "final_url=meta:final_url", "status=meta:status",
                "etag=meta:header.etag", "links[]=meta:header.Link", "none=meta:header.x-none",
                "fetched_at=meta:fetched_at").build(), body);
        assertThat(only(x, "pages")).containsExactlyEntriesOf(values(
                "url", PRODUCT_URL,
                "final_url", PRODUCT_URL,
                "status", 200L,
                "etag", "\"v1\"",
                "none", null,
                "fetched_at", Bodies.FETCHED_AT));
        assertThat(column(x, "pages__links", "value")).containsExactly("<a>; rel=next", "<b>; rel=prev");
    }

    @Test
    void theContentTypesCharsetElseTheMetaCharset() {
        String html = "<html><head><meta charset=\"windows-1252\"><title>Caf\u00e9 cr\u00e8me</title></head></html>";
        byte[] latin = html.getBytes(Charset.forName("windows-1252"));
        FetchedBody declared = Bodies.body("https://x.example/", "text/html; charset=windows-1252", latin, Map.of());
        FetchedBody detected = Bodies.body("https://x.example/", "text/html", latin, Map.of());
        FetchedBody wrong = Bodies.body("https://x.example/", "text/html; charset=utf-8", latin, Map.of());
        String[] spec = {"title=css:title", "re=re:<title>(.*)</title>"};
        assertThat(only(extract(table("pages", spec).build(), declared), "pages")).containsExactlyEntriesOf(values(
                "title", "Café crème", "re", "Café crème"));
        assertThat(only(extract(table("pages", spec).build(), detected), "pages")).containsExactlyEntriesOf(values(
                "title", "Café crème", "re", "Café crème"));
        assertThat(only(extract(table("pages", spec).build(), wrong), "pages").get("title")).isNotEqualTo("Café crème");
    }

    @Test
    void rowsCssMakesOneRowPerElementWithFieldsRelativeToIt() {
        Extraction x = extract(table("items",
                "sku!=css:li::attr(data-sku)",
                "name=css:a",
                "href=css:a::attr(href) | url",
                "price:double=css:.price | num",
                "path=xpath:a/@href",
                "raw=re:data-sku=\"(\\w+)\"",
                "page=meta:url",
                "heading=css:h1",
                "tags[]=css:.tag")
                .rows("css:ul#results > li.item").build(), page("listing.html", "https://shop.example.com/anvils?page=1"));
        List<TableRow> items = rows(x, "items");
        assertThat(items).extracting(TableRow::row).containsExactly(0, 1, 2);
        assertThat(items.get(0).values()).containsExactlyEntriesOf(values(
                "sku", "A1",
                "name", "Small anvil",
                "href", "https://shop.example.com/p/a1",
                "price", 49.99,
                "path", "/p/a1",
                "raw", "A1",
                "page", "https://shop.example.com/anvils?page=1",
                "heading", null));
        assertThat(column(x, "items", "price")).containsExactly(49.99, 149.0, null);
        assertThat(rows(x, "items__tags")).extracting(TableRow::parentRow, r -> r.values().get("value"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "new"), org.assertj.core.groups.Tuple.tuple(0, "sale"));
        // A3's price has no number: null and a reject on its row; the fourth item has no data-sku: no row
        assertThat(x.rejects()).containsExactly(
                new Rejected("items", 2, "price", "call us", "css:.price", "not a number"),
                new Rejected("items", -1, "sku", null, "css:li::attr(data-sku)", "required, but missing"));
    }

    @Test
    void rowsXpathWithCssFieldsRelativeToEachElement() {
        Extraction x = extract(table("items", "name=css:a", "price=xpath:span[@class='price']", "sku=xpath:@data-sku")
                .rows("xpath://li[@class='item']").build(), page("listing.html", "https://shop.example.com/anvils"));
        assertThat(column(x, "items", "name")).containsExactly("Small anvil", "Medium anvil", "Large anvil", "Mystery anvil");
        assertThat(column(x, "items", "price")).containsExactly("$49.99", "$149.00", "call us", "$1,999");
        assertThat(column(x, "items", "sku")).containsExactly("A1", "A2", "A3", null);
    }

    @Test
    void rowsThatMatchNothingMakeNoRows() {
        Extraction x = extract(table("items", "name=css:a").rows("css:div.nothing").build(), PRODUCT);
        assertThat(x.isEmpty()).isTrue();
    }
}

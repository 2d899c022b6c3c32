package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.InvalidConfigException;
import dev.sluice.Rejected;
import dev.sluice.TableRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * The steps on real values: trim, re:PATTERN, num, int, date:FORMAT, url, default:VALUE, their chains; a step that
 * fails and a required field without its value, each a reject saying why.
 */
class ExtractStepsTest {
    private static final String PRODUCT_URL = "https://shop.example.com/p/anvil-50?utm=x";
    private static final FetchedBody PRODUCT = page("product.html", PRODUCT_URL);

    private static Map<String, Object> product(String... fields) {
        Extraction x = extract(table("pages", fields).build(), PRODUCT);
        assertThat(x.rejects()).isEmpty();
        return only(x, "pages");
    }

    /** A list whose every {@code <li>} is one of {@code texts}, one row each, through field {@code v=css:li | STEPS}. */
    private static Extraction each(String steps, String... texts) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><ul>");
        for (String t : texts) {
            html.append("\n<li>").append(t.replace("&", "&amp;").replace("<", "&lt;")).append("</li>");
        }
        html.append("\n</ul>");
        return extract(table("items", "v=css:li | " + steps).rows("css:li").build(), Bodies.html(html.toString()));
    }

    /** The values of {@link #each}, one per text; each text must make a row. */
    private static List<Object> eachValue(String steps, String... texts) {
        Extraction x = each(steps, texts);
        assertThat(rows(x, "items")).hasSize(texts.length);
        return column(x, "items", "v");
    }

    private static List<BigDecimal> decimals(String... numbers) {
        return Arrays.stream(numbers).map(BigDecimal::new).toList();
    }

    @Test
    void textIsTrimmedBeforeTheStepsButAStepsTextOnlyByTrim() {
        Map<String, Object> row = product(
                "stock=css:p.stock | re:In stock:(.*)",
                "trimmed=css:p.stock | re:In stock:(.*) | trim",
                "h1=css:h1.title::own-text");
        // the <h1>'s own text ends in a no-break space (&nbsp;): trimmed as white space
        assertThat(row).containsExactlyEntriesOf(values(
                "stock", " 12 units",
                "trimmed", "12 units",
                "h1", "Acme Anvil & Stand"));
    }

    @Test
    void whiteSpaceOnlyIsNoValueAndTrimLeavesTheInsideAndNumbersAsTheyAre() {
        Extraction x = extract(table("pages",
                "blank=re:<pre>([^<]*)</pre>",
                "inside=re:<code>([^<]*)</code>",
                "trimmed=re:<code>([^<]*)</code> | trim",
                "n=xpath:count(//code) | trim").build(),
                Bodies.html("<pre> \u00a0\t\n </pre><code>\n  a  \t b\n</code>"));
        // white space inside is kept as written (docs/extract.md says runs become one space: only css's text does so)
        assertThat(only(x, "pages")).containsExactlyEntriesOf(values(
                "blank", null,
                "inside", "a  \t b",
                "trimmed", "a  \t b",
                "n", 1L));
        assertThat(x.rejects()).isEmpty();
    }

    @Test
    void reStepTakesGroupOneElseTheWholeMatchAndNoMatchIsNoValue() {
        Map<String, Object> row = product(
                "currency=css:p.price | re:^(\\D+)",
                "whole=css:p.stock | re:\\d+ units",
                "digits=css:p.price | re:[\\d,]+",
                "first_of_two=css:span.updated | re:(\\d+)-(\\d+)",
                "unit=css:table.specs td | re:\\d+ ?(kg|lb)",
                "none=css:p.stock | re:(\\d+) boxes",
                "skipped=css:p.stock | re:(boxes)?\\d+",
                "n=xpath:count(//img) | re:\\d");
        assertThat(row).containsExactlyEntriesOf(values(
                "currency", "$",
                "whole", "12 units",
                "digits", "1,299",
                "first_of_two", "2024",
                "unit", "kg",
                "none", null,
                "skipped", null,
                "n", "4"));
    }

    @Test
    void numReadsTheFirstNumberAsEnglishPricesAreWritten() {
        assertThat(eachValue("num",
                "$1,299.00",
                "USD 1,299,999.5",
                "Was: $1,499.00 now $999",
                "10,000 pieces",
                "Rated 4.6 of 5",
                ".5 l",
                "approx. 3 m",
                "5.",
                "-5 °C",
                "\u221212.5",
                "$-5",
                "SKU-5",
                "10-20 days",
                "1e6")).containsExactlyElementsOf(decimals(
                "1299.00",
                "1299999.5",
                "1499.00",
                "10000",
                "4.6",
                "0.5",
                "3",
                "5",
                "-5",
                "-12.5",
                "-5",
                "5",
                "10",
                "1"));
    }

    @Test
    void numReadsOtherConventionsOnlyUpToTheSeparatorAsDocumented() {
        // docs/extract.md: "Other conventions (1.299,00 €) read only up to the separator: rewrite them with re: first".
        // The point reads as a decimal point, so 1.299,00 is 1.299, not 1299: a value, not a reject.
        assertThat(eachValue("num",
                "1.299,00 €",
                "49,99 €",
                "1 299 Kč",
                "1,2345",
                "12,34")).containsExactlyElementsOf(decimals("1.299", "49", "1", "1", "12"));
        assertThat(eachValue("re:^([\\d.]+),(\\d+) | num", "1.299,00 €")).containsExactly(new BigDecimal("1.299"));
    }

    @Test
    void numThenADeclaredType() {
        Map<String, Object> row = product(
                "plain=css:p.price | num",
                "d:double=css:p.price | num",
                "dec:decimal(10,1)=css:p.price | num",
                "whole:bigint=css:p.price | num",
                "was:text=css:p.was-price | num");
        assertThat(row).containsExactlyEntriesOf(values(
                "plain", new BigDecimal("1299.00"),
                "d", 1299.0,
                "dec", new BigDecimal("1299.0"),
                "whole", 1299L,
                "was", "1499.00"));
    }

    @Test
    void numOnTextWithoutANumberIsARejectAndTheRowIsKept() {
        Extraction x = each("num", "$49.99", "call us", "free!");
        assertThat(column(x, "items", "v")).containsExactly(new BigDecimal("49.99"), null, null);
        assertThat(x.rejects()).containsExactly(
                new Rejected("items", 1, "v", "call us", "css:li", "not a number"),
                new Rejected("items", 2, "v", "free!", "css:li", "not a number"));
    }

    @Test
    void intIsAWholeNumber() {
        Extraction x = each("int", "12 units", "$1,299.00", "1.0", "-3", "0.00", "12.5 kg", "99,999,999,999,999,999,999", "n/a");
        assertThat(column(x, "items", "v")).containsExactly(12L, 1299L, 1L, -3L, 0L, null, null, null);
        // the value of a fraction's reject is the number num read
        assertThat(x.rejects()).containsExactly(
                new Rejected("items", 5, "v", "12.5", "css:li", "not a whole number"),
                new Rejected("items", 6, "v", "99999999999999999999", "css:li", "out of range for bigint"),
                new Rejected("items", 7, "v", "n/a", "css:li", "not a number"));
    }

    @Test
    void dateReadsAJavaTimePatternInEnglishAnyCase() {
        assertThat(eachValue("date:dd MMM yyyy", "05 Mar 2024", "05 MAR 2024", "05 mar 2024", "29 Feb 2024"))
                .containsExactly(LocalDate.of(2024, 3, 5), LocalDate.of(2024, 3, 5), LocalDate.of(2024, 3, 5),
                        LocalDate.of(2024, 2, 29));
        Map<String, Object> row = product(
                "published=css:time | date:MMMM d, yyyy",
                "datetime=css:time::attr(datetime) | date:yyyy-MM-dd",
                "updated=css:span.updated | re:Updated (.+) | date:yyyy-MM-dd HH:mm",
                "day_of_it:date=css:span.updated | re:Updated (\\S+) | date:yyyy-MM-dd",
                "midnight:timestamp=css:time | date:MMMM d, yyyy");
        assertThat(row).containsExactlyEntriesOf(values(
                "published", LocalDate.of(2024, 3, 5),
                "datetime", LocalDate.of(2024, 3, 5),
                "updated", Instant.parse("2024-03-05T14:30:00Z"),
                "day_of_it", LocalDate.of(2024, 3, 5),
                "midnight", Instant.parse("2024-03-05T00:00:00Z")));
    }

    @Test
    void dateWithATimeOfDayIsATimestampInItsZoneElseUtc() {
        assertThat(eachValue("date:yyyy-MM-dd HH:mm[ XXX][ VV]",
                "2024-03-05 14:30",
                "2024-03-05 14:30 +02:00",
                "2024-03-05 14:30 Z",
                "2024-07-05 14:30 Europe/Paris",
                "2024-01-05 14:30 Europe/Paris")).containsExactly(
                Instant.parse("2024-03-05T14:30:00Z"),
                Instant.parse("2024-03-05T12:30:00Z"),
                Instant.parse("2024-03-05T14:30:00Z"),
                Instant.parse("2024-07-05T12:30:00Z"),
                Instant.parse("2024-01-05T13:30:00Z"));
        assertThat(eachValue("date:MMMM d, yyyy h:mm a", "March 5, 2024 2:30 pm", "March 5, 2024 2:30 AM"))
                .containsExactly(Instant.parse("2024-03-05T14:30:00Z"), Instant.parse("2024-03-05T02:30:00Z"));
    }

    @Test
    void dateThatDoesNotReadIsARejectNamingThePattern() {
        Extraction x = each("date:EEE, d MMM yyyy", "Tue, 5 Mar 2024", "Mon, 5 Mar 2024", "5th March 2024", "Tue, 5 Mar");
        assertThat(column(x, "items", "v")).containsExactly(LocalDate.of(2024, 3, 5), null, null, null);
        assertThat(x.rejects()).extracting(Rejected::row, Rejected::value, Rejected::reason).containsExactly(
                tuple(1, "Mon, 5 Mar 2024", "not a date as EEE, d MMM yyyy"),
                tuple(2, "5th March 2024", "not a date as EEE, d MMM yyyy"),
                tuple(3, "Tue, 5 Mar", "not a date as EEE, d MMM yyyy"));
        Extraction month = each("date:MMM yyyy", "Mar 2024");
        assertThat(month.rejects()).containsExactly(
                new Rejected("items", 0, "v", "Mar 2024", "css:li", "not a date as MMM yyyy: no day in it"));
        Extraction timed = extract(table("pages", "d:date=css:span.updated | re:Updated (.+) | date:yyyy-MM-dd HH:mm")
                .build(), PRODUCT);
        assertThat(timed.rejects()).containsExactly(new Rejected("pages", 0, "d", "2024-03-05T14:30:00Z",
                "css:span.updated", "has a time of day: not a date"));
    }

    @Test
    void dateThatDoesNotExistIsARejectNotTheNearestDay() {
        // java.time's default (smart) resolving made 31 Feb the 29th and 24:00 the next day's midnight: a value
        // stored silently for text that names no day
        Extraction x = each("date:d MMM yyyy[ HH:mm]", "31 Feb 2024", "29 Feb 2023", "31 Apr 2024", "5 Mar 2024 24:00",
                "1 Mar 2024 23:59");
        assertThat(column(x, "items", "v")).containsExactly(null, null, null, null, Instant.parse("2024-03-01T23:59:00Z"));
        assertThat(x.rejects()).extracting(Rejected::row, Rejected::reason).containsExactly(
                tuple(0, "not a date as d MMM yyyy[ HH:mm]"),
                tuple(1, "not a date as d MMM yyyy[ HH:mm]"),
                tuple(2, "not a date as d MMM yyyy[ HH:mm]"),
                tuple(3, "not a date as d MMM yyyy[ HH:mm]"));
        assertThat(eachValue("date:dd.MM.yy", "29.02.24", "28.02.23")).containsExactly(
                LocalDate.of(2024, 2, 29), LocalDate.of(2023, 2, 28));
        assertThat(eachValue("date:G yyyy-MM-dd", "AD 2024-02-29")).containsExactly(LocalDate.of(2024, 2, 29));
    }

    @Test
    void urlResolvesAgainstTheBaseHref() {
        FetchedBody page = Bodies.html("""
                <html><head><base href="https://static.example.net/v2/"></head><body>
                <a class="rel" href="img/a.jpg">a</a>
                <a class="root" href="/about">a</a>
                <a class="up" href="../v1/old">a</a>
                <a class="abs" href="https://other.example.org/x?y=1">a</a>
                <a class="proto" href="//cdn.example.com/lib.js">a</a>
                <a class="amp" href="search?q=anvil&amp;page=2&#38;sort=price">a</a>
                <a class="query" href="?page=3">a</a>
                <a class="frag" href="#reviews">a</a>
                <a class="spaced" href="  img/b.jpg
                  ">a</a>
                <a class="mail" href="mailto:sales@example.com">a</a>
                </body></html>""");
        Extraction x = extract(table("pages",
                "rel=css:a.rel::attr(href) | url",
                "root=css:a.root::attr(href) | url",
                "up=css:a.up::attr(href) | url",
                "abs=css:a.abs::attr(href) | url",
                "proto=css:a.proto::attr(href) | url",
                "amp=css:a.amp::attr(href) | url",
                "query=xpath://a[@class='query']/@href | url",
                "frag=css:a.frag::attr(href) | url",
                "spaced=css:a.spaced::attr(href) | url",
                "mail=css:a.mail::attr(href) | url").build(), page);
        assertThat(only(x, "pages")).containsExactlyEntriesOf(values(
                "rel", "https://static.example.net/v2/img/a.jpg",
                "root", "https://static.example.net/about",
                "up", "https://static.example.net/v1/old",
                "abs", "https://other.example.org/x?y=1",
                "proto", "https://cdn.example.com/lib.js",
                "amp", "https://static.example.net/v2/search?q=anvil&page=2&sort=price",
                "query", "https://static.example.net/v2/?page=3",
                "frag", "https://static.example.net/v2/#reviews",
                "spaced", "https://static.example.net/v2/img/b.jpg",
                "mail", "mailto:sales@example.com"));
        assertThat(x.rejects()).isEmpty();
    }

    @Test
    void urlResolvesAgainstTheFinalUrlAndARelativeBaseAgainstItToo() {
        byte[] html = """
                <a href="next?p=2">n</a><a href="//cdn.example.com/x.js">s</a>""".getBytes(StandardCharsets.UTF_8);
        byte[] based = "<base href=\"/shop/catalog/\"><a href=\"next?p=2\">n</a>".getBytes(StandardCharsets.UTF_8);
        URI moved = URI.create("http://www.example.org/new/list.html?p=1");
        String[] spec = {"next=css:a::attr(href) | url", "script=css:a[href^=//]::attr(href) | url"};
        Extraction x = extract(table("pages", spec).build(),
                new FetchedBody("https://example.com/old", moved, 200, "text/html", html));
        assertThat(only(x, "pages")).containsExactlyEntriesOf(values(
                "next", "http://www.example.org/new/next?p=2",
                "script", "http://cdn.example.com/x.js"));
        Extraction b = extract(table("pages", spec).build(),
                new FetchedBody("https://example.com/old", moved, 200, "text/html", based));
        assertThat(only(b, "pages")).containsEntry("next", "http://www.example.org/shop/catalog/next?p=2");
    }

    @Test
    void urlOfAJsonValueResolvesAgainstTheFinalUrl() {
        byte[] json = "{\"next\": \"?page=2\", \"links\": {\"self\": \"items/7\"}}".getBytes(StandardCharsets.UTF_8);
        FetchedBody redirected = new FetchedBody("https://api.example.com/v1/docs?page=1",
                URI.create("https://api.example.com/v2/docs?page=1"), 200, "application/json", json);
        Extraction x = extract(table("docs", "next=jq:.next | url", "self=jq:.links.self | url").build(), redirected);
        assertThat(only(x, "docs")).containsExactlyEntriesOf(values(
                "next", "https://api.example.com/v2/docs?page=2",
                "self", "https://api.example.com/v2/items/7"));
    }

    @Test
    void urlThatCannotBeResolvedIsAReject() {
        Extraction x = extract(table("pages", "links[]=css:a::attr(href) | url").build(),
                Bodies.html("<a href=\"/ok\">a</a><a href=\"http://[bad\">b</a><a href=\"/also-ok\">c</a>"));
        assertThat(column(x, "pages__links", "value")).containsExactly(
                "https://shop.example.com/ok", "https://shop.example.com/also-ok");
        // a NAME[] value that fails is left out of the child table, rejected with no row
        assertThat(x.rejects()).containsExactly(
                new Rejected("pages__links", -1, "value", "http://[bad", "css:a::attr(href)", "not a URL"));
    }

    @Test
    void defaultIsTheValueWhenThereIsNone() {
        Map<String, Object> row = product(
                "missing=css:div.nothing | default:n/a (unknown)",
                "present=css:h1.title::own-text | default:n/a",
                "count:bigint=css:span.count | default:0",
                "zero=css:span.count | default:$0.00 | num",
                "empty=css:p.stock | re:units(x*) | default:none",
                "no_match=css:p.stock | re:(\\d+) boxes | default:0 | int");
        assertThat(row).containsExactlyEntriesOf(values(
                "missing", "n/a (unknown)",
                "present", "Acme Anvil & Stand",
                "count", 0L,
                "zero", new BigDecimal("0.00"),
                "empty", "none",
                "no_match", 0L));
    }

    @Test
    void defaultDoesNotHideAFailedStepAndMakesARequiredFieldsValue() {
        Extraction x = extract(table("items",
                "sku!=css:li::attr(data-sku) | default:unknown",
                "price=css:.price | num | default:0").rows("css:li.item").build(),
                page("listing.html", "https://shop.example.com/anvils"));
        assertThat(column(x, "items", "sku")).containsExactly("A1", "A2", "A3", "unknown");
        assertThat(column(x, "items", "price")).containsExactly(
                new BigDecimal("49.99"), new BigDecimal("149.00"), null, new BigDecimal("1999"));
        assertThat(x.rejects()).containsExactly(new Rejected("items", 2, "price", "call us", "css:.price", "not a number"));
    }

    @Test
    void stepsRunInTheOrderWritten() {
        Map<String, Object> row = product(
                "stock:bigint=css:p.stock | re:(\\d+) units | int",
                "rating:double=css:p.rating | re:Rated ([\\d.]+) | num",
                "num_then_re=css:p.price | num | re:(\\d+)",
                "re_then_num=css:p.price | re:(\\d+) | num",
                "cdn=css:img[src^='//']::attr(src) | url | re:^https://([^/]+)",
                "weight=css:table.specs td | trim | re:(\\d+) kg | int | default:-1");
        assertThat(row).containsExactlyEntriesOf(values(
                "stock", 12L,
                "rating", 4.6,
                "num_then_re", "1299",
                "re_then_num", BigDecimal.ONE,
                "cdn", "cdn.example.com",
                "weight", 50L));
    }

    @Test
    void aFailingStepOrTypeIsARejectNamingTheValueSelectorAndReasonAndItsRowIsStored() {
        Extraction x = extract(table("pages",
                "title=css:title",
                "stock=css:p.stock | int",
                "rating:bigint=css:p.rating | num",
                "material=css:table.specs tr:nth-child(2) td | num",
                "when=css:time | date:dd/MM/yyyy").build(), PRODUCT);
        assertThat(only(x, "pages")).containsExactlyEntriesOf(values(
                "title", "Acme Anvil & Stand – 50 kg | Acme Store",
                "stock", 12L,
                "rating", null,
                "material", null,
                "when", null));
        assertThat(x.rejects()).containsExactly(
                new Rejected("pages", 0, "rating", "4.6", "css:p.rating", "not a whole number"),
                new Rejected("pages", 0, "material", "Forged steel", "css:table.specs tr:nth-child(2) td", "not a number"),
                new Rejected("pages", 0, "when", "March 5, 2024", "css:time", "not a date as dd/MM/yyyy"));
    }

    @Test
    void aRequiredFieldWithoutItsValueMeansNoRowAndEachOfItsRejectsHasNoRow() {
        Extraction x = extract(table("items",
                "name=css:a",
                "price:decimal(10,2)!=css:.price | num",
                "n=css:a | num").rows("css:li.item").build(),
                page("listing.html", "https://shop.example.com/anvils"));
        // A3's price is "call us": no row for it; the rows after it are numbered on without a gap
        assertThat(rows(x, "items")).extracting(TableRow::row, r -> r.values().get("name"), r -> r.values().get("price"))
                .containsExactly(
                        tuple(0, "Small anvil", new BigDecimal("49.99")),
                        tuple(1, "Medium anvil", new BigDecimal("149.00")),
                        tuple(2, "Mystery anvil", new BigDecimal("1999.00")));
        assertThat(x.rejects()).containsExactly(
                new Rejected("items", 0, "n", "Small anvil", "css:a", "not a number"),
                new Rejected("items", 1, "n", "Medium anvil", "css:a", "not a number"),
                new Rejected("items", -1, "price", "call us", "css:.price", "required, but not a number"),
                new Rejected("items", -1, "n", "Large anvil", "css:a", "not a number"),
                new Rejected("items", 2, "n", "Mystery anvil", "css:a", "not a number"));
    }

    @Test
    void aRequiredFieldMissingOnAPageMeansNoRowsAtAll() {
        Extraction x = extract(table("pages", "title=css:title", "gtin!=jsonld:.gtin13", "images[]=css:img::attr(src)")
                .build(), PRODUCT);
        assertThat(x.rows()).isEmpty();
        assertThat(x.rejects()).contains(new Rejected("pages", -1, "gtin", null, "jsonld:.gtin13", "required, but missing"));
        Extraction tags = extract(table("items", "name=css:a", "tags[]!=css:.tag").rows("css:li.item").build(),
                page("listing.html", "https://shop.example.com/anvils"));
        assertThat(column(tags, "items", "name")).containsExactly("Small anvil");
        assertThat(column(tags, "items__tags", "value")).containsExactly("new", "sale");
        assertThat(tags.rejects()).hasSize(3).allSatisfy(r -> assertThat(r).isEqualTo(
                new Rejected("items", -1, "tags", null, "css:.tag", "required, but missing")));
    }

    @Test
    void aStepThatDoesNotParseIsRefusedWhenCompiled() {
        assertThatThrownBy(() -> Extractor.compile(table("p", "price=css:.p | nums").build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("extract: unknown step 'nums': one of trim, re:PATTERN, num, int, date:FORMAT, url, default:VALUE")
                .hasMessageEndingWith("(was price=css:.p | nums)");
        assertThat(refusal("price=css:.p | num:2")).isEqualTo("step 'num' takes no argument (was 'num:2')");
        assertThat(refusal("price=css:.p | re:")).isEqualTo("step 're' needs its PATTERN: re:PATTERN");
        assertThat(refusal("price=css:.p | re:(\\d+")).startsWith("step 're:(\\d+': invalid regular expression: ");
        assertThat(refusal("d=css:.p | date:yyyy-MM-dd'T")).startsWith("step 'date:yyyy-MM-dd'T': invalid date format: ");
        assertThat(refusal("d=css:.p | default: ")).isEqualTo("step 'default' needs its VALUE: default:VALUE");
        assertThat(refusal("d=css:.p | ")).isEqualTo("empty step after '|'");
    }

    private static String refusal(String field) {
        try {
            Extractor.compile(table("p", field).build());
        } catch (InvalidConfigException e) {
            assertThat(e.setting()).isEqualTo("extract");
            assertThat(e.value()).isEqualTo(field);
            return e.rule();
        }
        throw new AssertionError("compiled: " + field);
    }
}

package dev.sluice.internal.extract;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.Rejected;
import dev.sluice.TableRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.sluice.internal.extract.Bodies.column;
import static dev.sluice.internal.extract.Bodies.extract;
import static dev.sluice.internal.extract.Bodies.only;
import static dev.sluice.internal.extract.Bodies.rows;
import static dev.sluice.internal.extract.Bodies.table;
import static dev.sluice.internal.extract.Bodies.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * JSON rows: one per value {@code --jq} (or {@code --rows jq:}) emits; without {@code jq:} fields its keys as columns,
 * named as dlt names them, nested objects flattened, lists child tables to {@code --max-nesting}; with them, the
 * fields' declared types.
 */
class ExtractJsonTest {
    private static final FetchedBody DOCS = Bodies.body("https://api.example.com/v1/docs?page=1", "application/json",
            Bodies.resource("docs.json"), Map.of());

    private static Extraction docs(int maxNesting) {
        return extract(table("docs").jq(".docs[]").maxNesting(maxNesting).build(), DOCS);
    }

    private static Extraction keys(String json) {
        return extract(table("docs").jq(".").build(), Bodies.json(json));
    }

    private static TableRow.Json json(String text) {
        return new TableRow.Json(text);
    }

    @Test
    void eachValueIsARowItsKeysColumnsNestedObjectsFlattenedAndIsoTextRecognised() {
        Extraction x = docs(1);
        List<TableRow> docs = rows(x, "docs");
        assertThat(docs).extracting(TableRow::row, TableRow::parentRow, TableRow::index)
                .containsExactly(tuple(0, -1, -1), tuple(1, -1, -1));
        Map<String, Object> first = docs.get(0).values();
        assertThat(first).containsExactlyEntriesOf(values(
                "id", 1L,
                "title", "First post",
                "created_at", Instant.parse("2024-01-15T10:30:00Z"),
                "published", LocalDate.of(2024, 1, 15),
                "edited_at", Instant.parse("2024-01-16T07:00:00Z"),
                // no offset: its instant is unknown, so it stays text; nor is 2024-13-45 a date
                "local_time", "2024-01-16T09:00:00",
                "not_a_date", "2024-13-45",
                "score", 4.5,
                "views", 12345678901L,
                "big", new BigDecimal("123456789012345678901234567890"),
                "draft", false,
                "note", null,
                "author__name", "Ann",
                "author__home_page", "https://ann.example",
                "author__address__city", "Reno"));
        // keys missing from the second value are no columns of its row
        assertThat(docs.get(1).values()).containsExactlyEntriesOf(values(
                "id", 2L,
                "title", "Second post",
                "created_at", Instant.parse("2024-02-01T08:00:00.250Z")));
        assertThat(x.rejects()).isEmpty();
    }

    @Test
    void listsAreChildTablesOfOneLevelAndDeeperListsJson() {
        Extraction x = docs(1);
        // a row comes before its child rows; child rows are numbered per table across all parents
        assertThat(x.rows()).extracting(TableRow::table, TableRow::row, TableRow::parentRow, TableRow::index).containsExactly(
                tuple("docs", 0, -1, -1),
                tuple("docs__tags", 0, 0, 0),
                tuple("docs__tags", 1, 0, 1),
                tuple("docs__items", 0, 0, 0),
                tuple("docs__items", 1, 0, 1),
                tuple("docs", 1, -1, -1),
                tuple("docs__tags", 2, 1, 0),
                tuple("docs__items", 2, 1, 0));
        assertThat(column(x, "docs__tags", "value")).containsExactly("intro", "news", "news");
        assertThat(rows(x, "docs__items")).extracting(TableRow::values).containsExactly(
                values("sku", "X1", "qty", 2L, "dims", json("[10,20]")),
                values("sku", "X2", "qty", 1L, "dims", json("[]")),
                values("sku", "Y1", "qty", 5L, "dims", json("[1]")));
    }

    @Test
    void twoListsThatMakeOneChildTablesNameGetTablesOfTheirOwn() {
        Extraction x = extract(table("docs").jq(".[]").build(), Bodies.json("""
                [{"tags": ["a", "b"], "Tags": ["C"]}, {"Tags": ["D"]}, {"a": {"tags": [1]}, "a__tags": [2]}]"""));
        assertThat(x.rows()).extracting(TableRow::table, TableRow::parentRow, TableRow::index).containsExactly(
                tuple("docs", -1, -1),
                tuple("docs__tags", 0, 0),
                tuple("docs__tags", 0, 1),
                tuple("docs__tags_2", 0, 0),
                tuple("docs", -1, -1),
                tuple("docs__tags", 1, 0), // alone in its row, the list takes the name
                tuple("docs", -1, -1),
                tuple("docs__a__tags", 2, 0),
                tuple("docs__a_tags", 2, 0)); // a__tags as a key is a_tags: no collision
        assertThat(column(x, "docs__tags", "value")).containsExactly("a", "b", "D");
        assertThat(column(x, "docs__tags_2", "value")).containsExactly("C");
    }

    @Test
    void maxNestingTwoMakesListsInListsChildTablesOfChildTables() {
        Extraction x = docs(2);
        assertThat(rows(x, "docs__items")).extracting(TableRow::values).containsExactly(
                values("sku", "X1", "qty", 2L),
                values("sku", "X2", "qty", 1L),
                values("sku", "Y1", "qty", 5L));
        assertThat(rows(x, "docs__items__dims"))
                .extracting(TableRow::row, TableRow::parentRow, TableRow::index, r -> r.values().get("value"))
                .containsExactly(tuple(0, 0, 0, 10L), tuple(1, 0, 1, 20L), tuple(2, 2, 0, 1L));
        assertThat(x.rows()).extracting(TableRow::table).containsExactly(
                "docs", "docs__tags", "docs__tags", "docs__items", "docs__items__dims", "docs__items__dims",
                "docs__items", "docs", "docs__tags", "docs__items", "docs__items__dims");
    }

    @Test
    void maxNestingZeroKeepsEveryListAsJson() {
        Extraction x = docs(0);
        assertThat(x.rows()).extracting(TableRow::table).containsOnly("docs").hasSize(2);
        Map<String, Object> first = rows(x, "docs").get(0).values();
        assertThat(first)
                .containsEntry("tags", json("[\"intro\",\"news\"]"))
                .containsEntry("items", json("[{\"sku\":\"X1\",\"qty\":2,\"dims\":[10,20]},{\"sku\":\"X2\",\"qty\":1,\"dims\":[]}]"))
                .containsEntry("none", json("[]"))
                .doesNotContainKey("empty");
        assertThat(rows(x, "docs").get(1).values()).containsEntry("items", json("[{\"sku\":\"Y1\",\"qty\":5,\"dims\":[1]}]"));
    }

    @Test
    void valuesThatAreNoObjectsAreOneColumnValue() {
        Extraction tags = extract(table("tags").jq(".docs[].tags[]").build(), DOCS);
        assertThat(rows(tags, "tags")).extracting(TableRow::row, TableRow::values).containsExactly(
                tuple(0, values("value", "intro")), tuple(1, values("value", "news")), tuple(2, values("value", "news")));
        Extraction mixed = extract(table("facts").jq(".total, .docs[0].createdAt, .docs[0].draft, .docs[0].score").build(), DOCS);
        assertThat(column(mixed, "facts", "value")).containsExactly(2L, Instant.parse("2024-01-15T10:30:00Z"), false, 4.5);
    }

    @Test
    void keysAreNamedAsDltNamesThem() {
        Extraction x = keys("""
                {"userID": 1, "Deal Flow": 2, "HTTPResponse": 3, "first-name": 4, "@type": 5, "2fa": 6, "price+tax": 7,
                 "trailing_": 8, "  padded  ": 9, "": 10, "\u00fcmlaut": 11, "a.b": 12, "already_snake": 13,
                 "x*y": 14, "a|b": 15, "CamelCaseKey": 16, "ABTest": 17, "v2Beta": 18, "__private": 19}""");
        assertThat(only(x, "docs").keySet()).containsExactly(
                "user_id", "deal_flow", "http_response", "first_name", "atype", "_2fa", "pricextax",
                "trailingx", "padded", "_empty", "_mlaut", "a_b", "already_snake",
                "xxy", "alb", "camel_case_key", "ab_test", "v2_beta", "_private");
    }

    @Test
    void keysThatMakeOneNameGetSuffixesAndAKeyWithUnderscoresIsNoNestedName() {
        // a__b as a key is a_b (runs of _ are one: __ separates nested names); a.b flattened is a__b: no collision
        assertThat(only(keys("{\"a__b\": 1, \"a\": {\"b\": 2}}"), "docs")).containsExactlyEntriesOf(values(
                "a_b", 1L, "a__b", 2L));
        assertThat(only(keys("{\"a\": {\"b\": 2}, \"a__b\": 1, \"a_b\": 3}"), "docs")).containsExactlyEntriesOf(values(
                "a__b", 2L, "a_b", 1L, "a_b_2", 3L));
        assertThat(only(keys("{\"userID\": 1, \"user_id\": 2, \"UserId\": 3, \"user_id_2\": 4}"), "docs"))
                .containsExactlyEntriesOf(values("user_id", 1L, "user_id_2", 2L, "user_id_3", 3L, "user_id_2_2", 4L));
        // flattened names that meet: the later gets the suffix, in its own row only
        Extraction x = extract(table("docs").jq(".[]").build(), Bodies.json("""
                [{"a": {"b": 1}, "A": {"b": 2}}, {"A": {"b": 3}}, {"a": {"b": null, "B": 4}}]"""));
        assertThat(rows(x, "docs")).extracting(TableRow::values).containsExactly(
                values("a__b", 1L, "a__b_2", 2L),
                values("a__b", 3L),
                values("a__b", null, "a__b_2", 4L));
    }

    @Test
    void aKeyThatMakesAFieldsNameGetsASuffix() {
        Extraction x = extract(table("docs", "id=meta:status", "url=meta:url").jq(".docs[]").build(), DOCS);
        assertThat(rows(x, "docs").get(1).values()).containsExactlyEntriesOf(values(
                "id", 200L,
                "url", "https://api.example.com/v1/docs?page=1",
                "id_2", 2L,
                "title", "Second post",
                "created_at", Instant.parse("2024-02-01T08:00:00.250Z")));
    }

    @Test
    void jqFieldsAreTheColumnsWithTheirDeclaredTypes() {
        Extraction x = extract(table("docs",
                "id:bigint!=jq:.id",
                "id_text:text=jq:.id",
                "title!=jq:.Title",
                "created:timestamp=jq:.createdAt",
                "created_raw=jq:.createdAt",
                "published:date=jq:.published",
                "edited:date=jq:.editedAt",
                "local:timestamp=jq:.localTime",
                "local_raw=jq:.localTime",
                "score:decimal(3,1)=jq:.score",
                "score_bigint:bigint=jq:.score",
                "views:bigint=jq:.views",
                "big:decimal=jq:.big",
                "big_bigint:bigint=jq:.big",
                "draft:bool=jq:.draft",
                "note=jq:.note",
                "author:json=jq:.author",
                "author_raw=jq:.author",
                "city=jq:.author.address.city",
                "n_tags:bigint=jq:.tags | length",
                "tags[]=jq:.tags[]",
                "lower=jq:.id | ascii_downcase").jq(".docs[]").build(), DOCS);
        List<TableRow> docs = rows(x, "docs");
        assertThat(docs.get(0).values()).containsExactlyEntriesOf(values(
                "id", 1L,
                "id_text", "1",
                "title", "First post",
                "created", Instant.parse("2024-01-15T10:30:00Z"),
                "created_raw", Instant.parse("2024-01-15T10:30:00Z"),
                "published", LocalDate.of(2024, 1, 15),
                "edited", null,
                // a declared timestamp reads ISO text without an offset as UTC; undeclared it stays text
                "local", Instant.parse("2024-01-16T09:00:00Z"),
                "local_raw", "2024-01-16T09:00:00",
                "score", new BigDecimal("4.5"),
                "score_bigint", null,
                "views", 12345678901L,
                "big", new BigDecimal("123456789012345678901234567890"),
                "big_bigint", null,
                "draft", false,
                "note", null,
                "author", json("{\"name\":\"Ann\",\"homePage\":\"https://ann.example\",\"address\":{\"city\":\"Reno\"}}"),
                "author_raw", json("{\"name\":\"Ann\",\"homePage\":\"https://ann.example\",\"address\":{\"city\":\"Reno\"}}"),
                "city", "Reno",
                "n_tags", 2L,
                "lower", null));
        // the value's keys are no columns when jq: fields say what the columns are
        assertThat(docs.get(1).values()).containsOnlyKeys(docs.get(0).values().keySet())
                .containsEntry("id", 2L).containsEntry("draft", null).containsEntry("n_tags", 1L);
        assertThat(rows(x, "docs__tags")).extracting(TableRow::parentRow, r -> r.values().get("value"))
                .containsExactly(tuple(0, "intro"), tuple(0, "news"), tuple(1, "news"));
        assertThat(x.rows()).extracting(TableRow::table).doesNotContain("docs__items");
        assertThat(x.rejects()).extracting(Rejected::row, Rejected::column, Rejected::value, Rejected::reason)
                .containsExactly(
                        tuple(0, "edited", "2024-01-16T09:00:00+02:00", "not a date (yyyy-MM-dd; date:FORMAT reads others)"),
                        tuple(0, "score_bigint", "4.5", "not a whole number"),
                        tuple(0, "big_bigint", "123456789012345678901234567890", "out of range for bigint"),
                        tuple(0, "lower", null, x.rejects().get(3).reason()),
                        tuple(1, "lower", null, x.rejects().get(4).reason()));
        assertThat(x.rejects().get(3).reason()).startsWith("jq failed: ");
        assertThat(x.rejects().get(3).selector()).isEqualTo("jq:.id | ascii_downcase");
    }

    @Test
    void rowsJqRunsOnEachValueOfJqAndReFieldsReadTheRowsJson() {
        Extraction x = extract(table("lines", "raw=re:\"sku\":\"(\\w+)\"").jq(".docs[]").rows("jq:.items[]").build(), DOCS);
        assertThat(rows(x, "lines")).extracting(TableRow::row, TableRow::values).containsExactly(
                tuple(0, values("raw", "X1", "sku", "X1", "qty", 2L)),
                tuple(1, values("raw", "X2", "sku", "X2", "qty", 1L)),
                tuple(2, values("raw", "Y1", "sku", "Y1", "qty", 5L)));
        assertThat(rows(x, "lines__dims")).extracting(TableRow::parentRow, TableRow::index, r -> r.values().get("value"))
                .containsExactly(tuple(0, 0, 10L), tuple(0, 1, 20L), tuple(2, 0, 1L));
        Extraction alone = extract(table("lines", "raw=re:\"sku\":\"(\\w+)\"").rows("jq:.docs[].items[]").build(), DOCS);
        assertThat(alone.rows()).isEqualTo(x.rows());
    }

    @Test
    void aBodyThatIsNotJsonOrAJqThatFailsOnItFailsTheResponse() {
        Extractor extractor = Extractor.compile(table("docs").jq(".docs[]").build());
        assertThatThrownBy(() -> extractor.extract(Bodies.html("<html><body>Not found</body></html>"), Bodies.FETCHED_AT))
                .isInstanceOf(UnreadableBody.class)
                .hasMessageStartingWith("body is not JSON (Content-Type text/html): ");
        Extractor failing = Extractor.compile(table("docs").jq(".docs[] | .id.x").build());
        assertThatThrownBy(() -> failing.extract(DOCS, Bodies.FETCHED_AT))
                .isInstanceOf(UnreadableBody.class)
                .hasMessageStartingWith("jq '.docs[] | .id.x' failed: ");
    }
}

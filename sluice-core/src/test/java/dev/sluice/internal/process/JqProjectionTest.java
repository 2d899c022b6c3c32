package dev.sluice.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.FetchedBody;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fast path of {@link JqProcessor} (a tree of only what the expression reads, {@link ProjectingReader})
 * against the ordinary one (Jackson's whole tree): same records, same failures, on a corpus of bodies,
 * on random documents and on random corruptions of them.
 */
class JqProjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> EXPRESSIONS = List.of(
            "{n: (.items|length), sum: ([.items[].value]|add)}",
            ".", ".items", ".items[]", ".items[0]", ".items[-1]", ".items[].value", ".items[] | {v: .value, t: .tags}",
            ".a.b.c", ".a?", ".[]?", "[.[]?]", ".items | map(.value)", ".items | map(select(.active)) | length",
            "[.items[] | select(.value > 500) | .id]", ".items | keys", ".page, .count", "{page, count}",
            "{\"p\": .page}", ".items | add", "[.items[].tags | length] | add", ".x // .page // 0",
            "if .page then .count else .missing end", ".items[] | .name | length", ".items | type",
            ".items[] | has(\"value\")", "[.. | numbers] | length", ".items | tostring | length", "-(.page)",
            ".page + .count", ".items[0:2]", ".[\"items\"][1].name", ".items[.page]", "[.items[] | .value * 2] | add",
            "(.items[] | .value)?", ".items[] | not", "empty", "1, 2", "[.items[].tags[]] | unique",
            ".items | length > 2", ".page | add", "null | add", "[1, \"a\"] | add", "[[1], [2]] | add", "[{a: 1}, {b: 2}, {a: 3}] | add",
            "[\"a\", null, \"b\"] | add", "[1, 2.5, -3] | add", "{a: 1, b: 2} | add", "[.items[].name] | add", ".a and .b", ".a or .page", "{(.items[0].name? // \"k\"): 1}", ".items[].value | floor",
            "[.items[] | .value] | sort | first", ".items[] | keys_unsorted", ".\"page\"", ".items | .[1]?.tags[0]",
            "reduce .items[] as $i (0; . + 1)", ".items[] as $x | $x.id", "\"p\\(.page)\"", "try .items[0].value catch .");

    private static List<String> outcome(JqProcessor p, byte[] body, boolean fast) {
        FetchedBody f = new FetchedBody("u", null, 200, "application/json", body);
        try {
            return fast ? p.process(f) : p.processWhole(f);
        } catch (Exception e) {
            return List.of("FAILED: " + e.getMessage());
        }
    }

    /**
     * What plain jackson-jq (its own builtins, Jackson's whole tree) gives, in {@link JqProcessor}'s form; null
     * when the body is not JSON to Jackson (then only the two ways of JqProcessor are compared).
     */
    private static List<String> reference(String expression, byte[] body) {
        JsonNode input;
        try {
            input = JSON.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
        if (input == null || input.isMissingNode()) {
            return null;
        }
        try {
            Scope root = Scope.newEmptyScope();
            BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
            List<JsonNode> values = new ArrayList<>();
            JsonQuery.compile(expression, Versions.JQ_1_6).apply(Scope.newChildScope(root), input, values::add);
            List<String> records = new ArrayList<>();
            for (JsonNode v : values) {
                records.add(JSON.writeValueAsString(v));
            }
            return records;
        } catch (JsonQueryException e) {
            return List.of("FAILED: jq '" + expression + "' failed: " + e.getMessage());
        } catch (Exception e) {
            return List.of("FAILED: " + e.getMessage());
        }
    }

    private static void assertSame(String expression, byte[] body) {
        assertSame(JqProcessor.compile(expression), expression, body);
    }

    private static void assertSame(JqProcessor p, String expression, byte[] body) {
        List<String> whole = outcome(p, body, false);
        List<String> fast = outcome(p, body, true);
        if (!fast.equals(whole)) {
            fail("jq '" + expression + "' on " + new String(body, StandardCharsets.UTF_8) + ": fast " + fast + " whole " + whole);
        }
        List<String> plain = reference(expression, body);
        if (plain != null && !fast.equals(plain)) {
            fail("jq '" + expression + "' on " + new String(body, StandardCharsets.UTF_8) + ": " + fast + " but plain jackson-jq gives " + plain);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "{n: (.items|length), sum: ([.items[].value]|add)} => {items: {keys, []: {value: *}}}",
            ". => *",
            ".items[].value => {items: {[]: {value: *}}}",
            ".items[0] => {items: {[]: *}}",
            "{page, count} => {page: *, count: *}",
            ".items | map(select(.active)) | length => {items: {[]: *}}",
            ".items[] | select(.active) | .id => {items: {[]: {active: {keys}, id: *}}}",
            ".x // .page // 0 => {x: *, page: *}",
            "[.x // 0, (.items | length)] => {x: *, items: {keys}}",
            ".items | keys => {items: {keys}}",
            ".items | tostring => {items: *}",
            "1, 2 => {}",
            "reduce .items[] as $i (0; . + $i.value) => ",
            "def f: .a; f => ",
            ".items[] as $x | $x => ",
            "\"\\(.page)\" => ",
            "try .a catch . => ",
    })
    void worksOutWhatAnExpressionReads(String expression, String expected) {
        assertThat(JqProcessor.compile(expression).projection()).isEqualTo(expected);
    }

    @Test
    void sameOutputOnACorpus() {
        List<String> bodies = List.of(
                "{\"page\":1,\"count\":3,\"items\":[{\"id\":1,\"name\":\"a\",\"value\":1.5,\"tags\":[\"x\",\"y\"],\"active\":true},"
                        + "{\"id\":2,\"name\":\"b\\u00e9\\n\",\"value\":-0.0,\"tags\":[],\"active\":false},{\"id\":3,\"value\":1e400,\"tags\":[\"x\"]}]}",
                "{\"items\":[1,2,3]}", "{\"items\":{\"a\":{\"value\":1},\"b\":{\"value\":2}}}", "{\"items\":\"text\"}",
                "{\"items\":null}", "[]", "[1,[2],{\"a\":3}]", "{}", "null", "true", "\"s\"", "42", " {\"a\" : { \"b\" : { \"c\" : 7 } } } ",
                "{\"page\":1,\"page\":2,\"count\":3,\"count\":null}", "{\"items\":[{\"value\":1},{\"value\":\"x\"}]}",
                "{\"items\":[{\"value\":2147483647},{\"value\":2147483648},{\"value\":-2147483648},{\"value\":-2147483649},"
                        + "{\"value\":9223372036854775807},{\"value\":9223372036854775808},{\"value\":-9223372036854775808},"
                        + "{\"value\":-9223372036854775809},{\"value\":-0},{\"value\":0.1},{\"value\":123456789012345678},"
                        + "{\"value\":1234567890.12345678901},{\"value\":1E-7},{\"value\":5e-324},{\"value\":1.7976931348623157e308},"
                        + "{\"value\":0.000000000000000000000001},{\"value\":9007199254740993.0},{\"value\":12345678901234567e-5}]}",
                "{\"\\u0070age\":5,\"items\":[{\"va\\u006cue\":3}],\"\\ud83d\\ude00\":\"\\ud800\"}",
                "{\"k\u00e9\":\"\u00e9\u4e2d\ud83d\ude00\",\"items\":[{\"value\":1,\"name\":\"\u4e2d\"}]}",
                "{\"items\":[{\"value\":1}]} trailing", "{\"items\":[1,]}", "{\"items\":[01]}", "{\"items\":[1.]}",
                "{\"items\":[tru]}", "{\"items\":[truex]}", "", "   ", "\uFEFF{\"page\":1}", "{\"a\":\"\t\"}",
                "{\"a\":NaN}", "{'a':1}", "{\"a\":1}{\"b\":2}", "[1] [2]", "{\"items\":[{\"value\":1}]", "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}", "{\"items\":[{\"value\":-}]}", "{\"items\":[{\"value\":1e}]}", "{\"items\":[{\"value\":+1}]}");
        for (String body : bodies) {
            for (String e : EXPRESSIONS) {
                assertSame(e, body.getBytes(StandardCharsets.UTF_8));
            }
        }
        // invalid UTF-8 and other encodings: Jackson decides
        byte[][] raw = {
                {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'},
                {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'},
                {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
                {'{', '"', 'a', '"', ':', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'},
                {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'},
                "{\"page\":1}".getBytes(StandardCharsets.UTF_16BE), "{\"page\":1}".getBytes(StandardCharsets.UTF_16LE),
                "{\"page\":1}".getBytes(StandardCharsets.UTF_16)};
        for (byte[] body : raw) {
            for (String e : EXPRESSIONS) {
                assertSame(e, body);
            }
        }
        StringBuilder deep = new StringBuilder();
        deep.append("[".repeat(600)).append("]".repeat(600));
        assertSame(".", deep.toString().getBytes(StandardCharsets.UTF_8));
        assertSame("length", ("{\"a\":" + "9".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8));
        assertSame(".a", ("{\"a\":" + "9".repeat(500) + "}").getBytes(StandardCharsets.UTF_8));
        assertSame(".b", ("{\"" + "n".repeat(60_000) + "\":1,\"b\":2}").getBytes(StandardCharsets.UTF_8));
    }

    /** The reader's whole tree is Jackson's: same values and same node classes. */
    @Test
    void fullTreeIsJacksons() throws Exception {
        Random random = new Random(7);
        int handled = 0;
        for (int i = 0; i < 300; i++) {
            byte[] body = randomDocument(random).getBytes(StandardCharsets.UTF_8);
            JsonNode mine;
            try {
                mine = ProjectingReader.read(body, Projection.FULL);
            } catch (ProjectingReader.NotHandled e) {
                continue; // e.g. a surrogate escaped in a member name
            }
            handled++;
            assertSameTree(mine, JSON.readTree(body), new String(body, StandardCharsets.UTF_8));
        }
        assertThat(handled).isGreaterThan(200);
    }

    /** Random documents, then random damage to them: the fast path agrees with the whole tree on each. */
    @Test
    void sameOutcomeOnRandomAndDamagedDocuments() {
        Random random = new Random(Long.getLong("sluice.fuzz.seed", 11));
        List<JqProcessor> processors = new ArrayList<>();
        EXPRESSIONS.forEach(e -> processors.add(JqProcessor.compile(e)));
        List<String> added = List.of(".items | map(.value) | add", "[.items[].name] | add", "[.items[].tags] | add", ".items | add",
                "[.items[] | {(.name): .id}] | add", "[.items[].value, .page] | add", "[] | add", "{} | add", ".page | add?");
        byte[] damage = "{}[],:\"\\ 0123456789.eE+-tfnulx\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Integer.getInteger("sluice.fuzz.documents", 400); i++) {
            byte[] body = randomDocument(random).getBytes(StandardCharsets.UTF_8);
            for (int round = 0; round < 4; round++) {
                int which = random.nextInt(processors.size() + added.size());
                if (which < processors.size()) {
                    assertSame(processors.get(which), EXPRESSIONS.get(which), body);
                } else {
                    assertSame(added.get(which - processors.size()), body);
                }
                body = body.clone();
                int at = random.nextInt(Math.max(1, body.length));
                if (body.length > 0) {
                    body[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : damage[random.nextInt(damage.length)];
                }
            }
        }
    }

    private static String randomDocument(Random r) {
        StringBuilder s = new StringBuilder("{\"page\":").append(r.nextInt(3)).append(",\"items\":[");
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",");
            if (r.nextInt(8) == 0) {
                randomValue(r, s, 2);
                continue;
            }
            s.append("{\"id\":").append(r.nextInt(1000)).append(",\"value\":");
            randomNumber(r, s);
            s.append(",\"name\":");
            randomString(r, s);
            s.append(",\"tags\":[\"a\",\"b\"],\"active\":").append(r.nextBoolean());
            if (r.nextBoolean()) {
                s.append(",\"extra\":");
                randomValue(r, s, 3);
            }
            s.append('}');
        }
        s.append("]");
        if (r.nextBoolean()) {
            s.append(",\"count\":");
            randomValue(r, s, 2);
        }
        return s.append('}').toString();
    }

    private static void randomValue(Random r, StringBuilder s, int depth) {
        switch (depth <= 0 ? r.nextInt(4) : r.nextInt(6)) {
            case 0 -> randomNumber(r, s);
            case 1 -> randomString(r, s);
            case 2 -> s.append(List.of("true", "false", "null").get(r.nextInt(3)));
            case 3 -> s.append(r.nextInt(100));
            case 4 -> {
                s.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    s.append(i == 0 ? "" : " , ");
                    randomValue(r, s, depth - 1);
                }
                s.append(']');
            }
            default -> {
                s.append("{ ");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    s.append(i == 0 ? "" : ",\n");
                    randomString(r, s);
                    s.append(" :");
                    randomValue(r, s, depth - 1);
                }
                s.append('}');
            }
        }
    }

    private static void randomNumber(Random r, StringBuilder s) {
        switch (r.nextInt(7)) {
            case 0 -> s.append(r.nextInt());
            case 1 -> s.append(r.nextLong());
            case 2 -> s.append(r.nextDouble() * 1000);
            case 3 -> s.append(String.format("%.2f", r.nextDouble() * 1000));
            case 4 -> s.append(r.nextBoolean() ? "-" : "").append(r.nextInt(10)).append('e').append(r.nextInt(40) - 20);
            case 5 -> s.append("1").append("0".repeat(r.nextInt(30)));
            default -> s.append(r.nextGaussian() * Math.pow(10, r.nextInt(600) - 300));
        }
    }

    private static void randomString(Random r, StringBuilder s) {
        String[] parts = {"a", "value", "é", "中", "\ud83d\ude00", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\/", " ", "id", "tags"};
        s.append('"');
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            s.append(parts[r.nextInt(parts.length)]);
        }
        s.append('"');
    }

    private static void assertSameTree(JsonNode mine, JsonNode jackson, String doc) {
        if (mine.getClass() != jackson.getClass() || !mine.equals(jackson)) {
            fail("in " + doc + ": " + mine.getClass().getSimpleName() + " " + mine + " vs Jackson's "
                    + jackson.getClass().getSimpleName() + " " + jackson);
        }
        if (mine.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> a = mine.fields();
            Iterator<Map.Entry<String, JsonNode>> b = jackson.fields();
            while (a.hasNext()) {
                Map.Entry<String, JsonNode> x = a.next();
                Map.Entry<String, JsonNode> y = b.next();
                assertThat(x.getKey()).isEqualTo(y.getKey());
                assertSameTree(x.getValue(), y.getValue(), doc);
            }
        } else if (mine.isArray()) {
            for (int i = 0; i < mine.size(); i++) {
                assertSameTree(mine.get(i), jackson.get(i), doc);
            }
        }
    }
}

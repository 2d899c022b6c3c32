package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesWhatJacksonWritesForEveryKindOfValue() throws Exception {
        String[] docs = {
            "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":-2.5e-3,\"e\":\"x\\\"y\\\\z\"},\"f\":[]}",
            "[\"\\u0000\\u001f\\b\\f\\n\\r\\t\",\"é€😀\",\"</script>\",\"\\u2028\"]",
            "[12345678901234567890123,1.0E10,0.1,-0,1e400,123456789012345678901234567890.5]",
            "\"plain\"", "42", "true", "null", "{}", "[[],[{}],{\"\":{\"\":[]}}]",
        };
        for (String doc : docs) {
            JsonNode n = MAPPER.readTree(doc);
            assertThat(JsonText.of(n)).as(doc).isEqualTo(n.toString());
        }
    }

    @Test
    void writesWhatJacksonWritesForRandomDocuments() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            JsonNode n = random(random, 0);
            assertThat(JsonText.of(n)).isEqualTo(n.toString());
        }
    }

    private static JsonNode random(Random r, int depth) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        return switch (kind) {
            case 0 -> MAPPER.getNodeFactory().numberNode(r.nextLong());
            case 1 -> MAPPER.getNodeFactory().numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 2 -> MAPPER.getNodeFactory().textNode(text(r));
            case 3 -> MAPPER.getNodeFactory().booleanNode(r.nextBoolean());
            case 4 -> MAPPER.getNodeFactory().nullNode();
            case 5 -> {
                var a = MAPPER.createArrayNode();
                for (int k = r.nextInt(4); k > 0; k--) {
                    a.add(random(r, depth + 1));
                }
                yield a;
            }
            default -> {
                var o = MAPPER.createObjectNode();
                for (int k = r.nextInt(4); k > 0; k--) {
                    o.set(text(r), random(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static String text(Random r) {
        StringBuilder b = new StringBuilder();
        for (int k = r.nextInt(6); k > 0; k--) {
            b.appendCodePoint(switch (r.nextInt(4)) {
                case 0 -> r.nextInt(0x20);
                case 1 -> 0x20 + r.nextInt(0x60);
                case 2 -> 0xa0 + r.nextInt(0x3000);
                default -> 0x1f600 + r.nextInt(0x40);
            });
        }
        return b.toString();
    }
}

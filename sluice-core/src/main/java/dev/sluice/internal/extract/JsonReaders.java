package dev.sluice.internal.extract;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The two ways the extractor reads JSON text. Both mappers are shared by every thread (Jackson's are thread-safe). */
final class JsonReaders {
    /** A body, or a value of a {@code json} column: one JSON value, nothing after it. */
    static final ObjectMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * A JSON-LD block, as pages write them: comments ({@code //<![CDATA[}), a trailing comma, line breaks inside
     * strings are let pass, as browsers' and search engines' readers let them pass.
     */
    static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    private JsonReaders() {
    }
}

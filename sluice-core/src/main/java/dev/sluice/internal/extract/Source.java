package dev.sluice.internal.extract;

import java.util.List;
import java.util.Locale;

/**
 * Where a field's value comes from: {@code css:}, {@code xpath:}, {@code jq:}, {@code jsonld:}, {@code re:} or
 * {@code meta:}, compiled once. Implementations are immutable and thread-safe: one source serves every CPU-pool
 * thread, each call reading the views of one response ({@link Body}) in one row ({@link RowScope}).
 */
sealed interface Source permits CssSource, XPathSource, JqSource, JsonLdSource, RegexSource, MetaSource {
    String KNOWN = "css, xpath, jq, jsonld, re, meta";

    /** What of a response a source reads: an HTML page, a JSON body, or either (text, the response's facts). */
    enum Reads { HTML, JSON, ANY }

    /**
     * The values found in {@code scope}, in order: at most one unless {@code all}. An entry may be null or empty
     * text (a match without a value); the field leaves those out. A {@link Failure} when the source fails in this row
     * (a jq error); an {@link UnreadableBody} when the body is not what it reads (not JSON).
     */
    List<Object> read(RowScope scope, Body body, boolean all) throws Failure, UnreadableBody;

    Reads reads();

    /** Whether its values come from JSON (their strings then may be ISO dates: {@link IsoTimes#recognise}). */
    default boolean json() {
        return false;
    }

    /**
     * The source {@code word} names with {@code expression}; {@code keepJson}: JSON values are kept as JSON text (a
     * {@code json} column without steps). A {@link BadSpec} when either does not parse.
     */
    static Source compile(String word, String expression, boolean keepJson) {
        String expr = expression.strip();
        if (expr.isEmpty()) {
            throw new BadSpec("source '" + word + ":' needs an expression after the ':'");
        }
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "css" -> CssSource.compile(expr);
            case "xpath" -> new XPathSource(XPathProgram.compile(expr));
            case "jq" -> new JqSource(Jq.compile(expr), keepJson);
            case "jsonld" -> new JsonLdSource(Jq.compile(expr), keepJson);
            case "re" -> RegexSource.compile(expr);
            case "meta" -> MetaSource.compile(expr);
            default -> throw new BadSpec("unknown source '" + word + "': one of " + KNOWN);
        };
    }
}

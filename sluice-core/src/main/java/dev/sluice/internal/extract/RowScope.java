package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.w3c.dom.Node;

/**
 * What one row's fields read: the whole response (one row per response), an element {@code --rows css:} or
 * {@code xpath:} matched, or a JSON value {@code --jq} or {@code --rows jq:} emitted. Selectors and jq work relative
 * to it. Made and used by the one thread extracting a response.
 */
final class RowScope {
    private final Element element;
    private final Node node;
    private final JsonNode json;
    private String text;

    private RowScope(Element element, Node node, JsonNode json) {
        this.element = element;
        this.node = node;
        this.json = json;
    }

    /** The whole response. */
    static RowScope page() {
        return new RowScope(null, null, null);
    }

    /** An element, with its W3C node when known (from {@code xpath:}), else null (found on first use). */
    static RowScope element(Element element, Node node) {
        return new RowScope(element, node, null);
    }

    static RowScope json(JsonNode value) {
        return new RowScope(null, null, value);
    }

    /** Where css selectors start: the row's element, else the page. */
    Element element(Body body) {
        return element != null ? element : body.document();
    }

    /** Where XPath starts: the row's element in the W3C DOM, else the document. */
    Node node(Body body) {
        if (node != null) {
            return node;
        }
        return element != null ? body.w3c(element) : body.w3c();
    }

    /** What jq reads: the row's value, else the JSON body. */
    JsonNode json(Body body) throws UnreadableBody {
        return json != null ? json : body.json();
    }

    /** The row's own JSON value, or null when the row is not one: its keys may become columns. */
    JsonNode value() {
        return json;
    }

    /** What {@code re:} reads: the row's element's HTML, the row's value (a string itself, else its JSON), else the body. */
    String text(Body body) {
        if (text == null) {
            if (element != null) {
                text = element.outerHtml();
            } else if (json != null) {
                text = json.isTextual() ? json.textValue() : JsonText.of(json);
            } else {
                text = body.text();
            }
        }
        return text;
    }
}

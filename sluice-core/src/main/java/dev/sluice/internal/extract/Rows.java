package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.InvalidConfigException;
import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.w3c.dom.Node;

import javax.xml.xpath.XPathEvaluationResult;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathNodes;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a table's rows in a response ({@code --rows}, {@code --jq}): the response itself (one row), each element
 * a css or XPath selector matches, or each value jq emits. Immutable and thread-safe; {@link #scopes} runs on the
 * thread extracting the response.
 */
sealed interface Rows {

    /** The rows' scopes in the response, in order. */
    List<RowScope> scopes(Body body) throws UnreadableBody;

    /** What the rows are: HTML elements, JSON values, or the response (either). */
    Source.Reads reads();

    /**
     * The rows {@code rows} ({@code --rows}: {@code css:…}, {@code xpath:…}, {@code jq:…}, or null) and {@code jq}
     * ({@code --jq}, or null) make; with both, {@code --rows jq:} runs on each value {@code --jq} emits. An
     * {@link InvalidConfigException} (setting {@code rows} or {@code jq}) when either does not parse or they do not go
     * together.
     */
    static Rows compile(String rows, String jq) {
        List<JqProgram> programs = new ArrayList<>(2);
        if (jq != null) {
            try {
                programs.add(Jq.compile(jq));
            } catch (BadSpec e) {
                throw InvalidConfigException.of("jq", e.getMessage(), jq);
            }
        }
        if (rows == null) {
            return programs.isEmpty() ? new Page() : new Json(programs);
        }
        int colon = rows.indexOf(':');
        String word = colon < 0 ? "" : rows.substring(0, colon).strip();
        String expression = colon < 0 ? "" : rows.substring(colon + 1).strip();
        try {
            if (expression.isEmpty() || !(word.equals("css") || word.equals("xpath") || word.equals("jq"))) {
                throw new BadSpec("must be css:SELECTOR, xpath:EXPR or jq:EXPR");
            }
            if (word.equals("jq")) {
                programs.add(Jq.compile(expression));
                return new Json(programs);
            }
            if (!programs.isEmpty()) {
                throw new BadSpec("--rows " + word + ": makes rows of HTML elements, --jq of JSON values: give one");
            }
            return word.equals("css") ? new Css(CssSource.selector(expression)) : new XPath(XPathProgram.compile(expression));
        } catch (BadSpec e) {
            throw InvalidConfigException.of("rows", e.getMessage(), rows);
        }
    }

    /** One row per response. */
    record Page() implements Rows {
        @Override
        public List<RowScope> scopes(Body body) {
            return List.of(RowScope.page());
        }

        @Override
        public Source.Reads reads() {
            return Source.Reads.ANY;
        }
    }

    /** One row per element the selector matches, in document order. */
    record Css(Evaluator selector) implements Rows {
        @Override
        public List<RowScope> scopes(Body body) {
            List<RowScope> scopes = new ArrayList<>();
            for (Element e : body.document().select(selector)) {
                scopes.add(RowScope.element(e, null));
            }
            return scopes;
        }

        @Override
        public Source.Reads reads() {
            return Source.Reads.HTML;
        }
    }

    /** One row per element of the node set the expression selects (its other nodes make none). */
    record XPath(XPathProgram program) implements Rows {
        @Override
        public List<RowScope> scopes(Body body) throws UnreadableBody {
            XPathEvaluationResult<?> result;
            try {
                result = program.evaluate(body.w3c());
            } catch (XPathExpressionException e) {
                throw new UnreadableBody("--rows xpath:" + program + " failed: " + XPathProgram.message(e), e);
            }
            if (result.type() != XPathEvaluationResult.XPathResultType.NODESET) {
                throw new UnreadableBody("--rows xpath:" + program + " gives a " + result.type().name().toLowerCase(
                        java.util.Locale.ROOT) + ", not elements", null);
            }
            List<RowScope> scopes = new ArrayList<>();
            for (Node n : (XPathNodes) result.value()) {
                if (XPathProgram.source(n) instanceof Element e) {
                    scopes.add(RowScope.element(e, n));
                }
            }
            return scopes;
        }

        @Override
        public Source.Reads reads() {
            return Source.Reads.HTML;
        }
    }

    /** One row per value the programs emit, run one after the other on the JSON body. */
    record Json(List<JqProgram> programs) implements Rows {
        @Override
        public List<RowScope> scopes(Body body) throws UnreadableBody {
            List<JsonNode> values = List.of(body.json());
            for (JqProgram p : programs) {
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode v : values) {
                    try {
                        p.apply(v, next::add);
                    } catch (JsonQueryException e) {
                        throw new UnreadableBody("jq '" + p.expression() + "' failed: " + e.getMessage(), e);
                    }
                }
                values = next;
            }
            List<RowScope> scopes = new ArrayList<>(values.size());
            for (JsonNode v : values) {
                scopes.add(RowScope.json(v));
            }
            return scopes;
        }

        @Override
        public Source.Reads reads() {
            return Source.Reads.JSON;
        }
    }
}

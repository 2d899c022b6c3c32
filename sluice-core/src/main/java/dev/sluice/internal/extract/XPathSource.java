package dev.sluice.internal.extract;

import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.w3c.dom.Node;

import javax.xml.xpath.XPathEvaluationResult;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathNodes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code xpath:EXPR}: XPath 1.0 on the page's W3C DOM (converted from the jsoup document once per response, on first
 * use), relative to the row's element with {@code --rows}. A node's value: an element's or a text node's text as
 * {@code css:} gives it (whitespace normalised), an attribute's value; {@code string()} a string; {@code count()} and
 * other numbers a {@link Long} when whole, else a {@link Double}; a boolean a {@link Boolean}.
 */
record XPathSource(XPathProgram program) implements Source {

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) throws Failure {
        XPathEvaluationResult<?> result;
        try {
            result = program.evaluate(scope.node(body));
        } catch (XPathExpressionException e) {
            throw new Failure("XPath failed: " + XPathProgram.message(e), null);
        }
        List<Object> values = new ArrayList<>();
        switch (result.type()) {
            case NODESET -> {
                for (Node n : (XPathNodes) result.value()) {
                    values.add(value(n));
                    if (!all) {
                        break;
                    }
                }
            }
            case NODE -> values.add(value((Node) result.value()));
            case NUMBER -> values.add(number((Double) result.value()));
            default -> values.add(result.value());
        }
        return values;
    }

    private static Object value(Node n) {
        return switch (XPathProgram.source(n)) {
            case Element e -> e.text();
            case TextNode t -> t.text();
            case null, default -> n.getNodeType() == Node.ELEMENT_NODE ? n.getTextContent() : n.getNodeValue();
        };
    }

    /** XPath's numbers are doubles: a whole one is a {@link Long} ({@code count()}), NaN no value. */
    private static Object number(Double d) {
        if (d.isNaN()) {
            return null;
        }
        return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) d.longValue() : d;
    }

    @Override
    public Reads reads() {
        return Reads.HTML;
    }
}

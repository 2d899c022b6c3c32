package dev.sluice.internal.extract;

import org.jsoup.helper.W3CDom;
import org.w3c.dom.Node;

import javax.xml.xpath.XPathEvaluationResult;
import javax.xml.xpath.XPathExpression;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;

/**
 * An XPath 1.0 expression ({@code javax.xml.xpath}, the JDK's), for {@code xpath:} fields and {@code --rows xpath:}.
 * Compiled once to check it, then once on each thread that runs it: the JDK's XPath objects are not thread-safe,
 * while CPU-pool threads live as long as the run. Thread-safe.
 */
final class XPathProgram {
    private final String expression;
    private final ThreadLocal<XPathExpression> perThread;

    private XPathProgram(String expression) {
        this.expression = expression;
        this.perThread = ThreadLocal.withInitial(() -> {
            try {
                return newExpression(expression);
            } catch (XPathExpressionException e) {
                throw new IllegalStateException("compiled once already: " + expression, e);
            }
        });
    }

    static XPathProgram compile(String expression) {
        try {
            newExpression(expression);
        } catch (XPathExpressionException e) {
            throw new BadSpec("invalid XPath expression '" + expression + "': " + message(e));
        }
        return new XPathProgram(expression);
    }

    private static XPathExpression newExpression(String expression) throws XPathExpressionException {
        return XPathFactory.newDefaultInstance().newXPath().compile(expression);
    }

    /** The expression's value at {@code context}: a node set, a string, a number or a boolean. */
    XPathEvaluationResult<?> evaluate(Node context) throws XPathExpressionException {
        return perThread.get().evaluateExpression(context, XPathEvaluationResult.class);
    }

    /** The jsoup node {@code node} was converted from ({@link W3CDom} keeps it), or null. */
    static org.jsoup.nodes.Node source(Node node) {
        return node.getUserData(W3CDom.SourceProperty) instanceof org.jsoup.nodes.Node n ? n : null;
    }

    static String message(XPathExpressionException e) {
        Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        return cause.getMessage();
    }

    @Override
    public String toString() {
        return expression;
    }
}

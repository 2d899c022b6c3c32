package dev.sluice.internal.extract;

import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code css:SELECTOR[::text|::own-text|::html|::attr(NAME)]}: jsoup's selector on the page or, with {@code --rows},
 * within the row's element; each match's text (whitespace normalised, entities decoded: the default), own text,
 * inner HTML or attribute. A match without the attribute has no value. The first match, or all with {@code NAME[]}.
 *
 * @param attribute for {@link Part#ATTR}, the attribute's name; else null
 */
record CssSource(Evaluator selector, Part part, String attribute) implements Source {
    /** What of a matched element is the value. */
    enum Part { TEXT, OWN_TEXT, HTML, ATTR }

    static CssSource compile(String expression) {
        int colons = expression.lastIndexOf("::");
        String css = colons < 0 ? expression : expression.substring(0, colons).strip();
        String accessor = colons < 0 ? "::text" : expression.substring(colons).strip();
        Part part;
        String attribute = null;
        if (accessor.equals("::text")) {
            part = Part.TEXT;
        } else if (accessor.equals("::own-text")) {
            part = Part.OWN_TEXT;
        } else if (accessor.equals("::html")) {
            part = Part.HTML;
        } else if (accessor.startsWith("::attr(") && accessor.endsWith(")") && accessor.length() > "::attr()".length()) {
            part = Part.ATTR;
            attribute = accessor.substring("::attr(".length(), accessor.length() - 1).strip();
        } else {
            throw new BadSpec("unknown accessor '" + accessor + "' in css:" + expression
                    + ": one of ::text, ::own-text, ::html, ::attr(NAME)");
        }
        return new CssSource(selector(css), part, attribute);
    }

    /** jsoup's compiled selector (thread-safe), or a {@link BadSpec} saying why {@code css} is none. */
    static Evaluator selector(String css) {
        try {
            return QueryParser.parse(css);
        } catch (Selector.SelectorParseException | IllegalArgumentException e) {
            throw new BadSpec("invalid CSS selector '" + css + "': " + e.getMessage());
        }
    }

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) {
        Element root = scope.element(body);
        if (!all) {
            Element first = root.selectFirst(selector);
            return first == null ? List.of() : singleton(value(first));
        }
        List<Object> values = new ArrayList<>();
        for (Element e : root.select(selector)) {
            values.add(value(e));
        }
        return values;
    }

    private static List<Object> singleton(Object value) {
        List<Object> one = new ArrayList<>(1);
        one.add(value);
        return one;
    }

    private String value(Element e) {
        return switch (part) {
            case TEXT -> e.text();
            case OWN_TEXT -> e.ownText();
            case HTML -> e.html();
            case ATTR -> e.hasAttr(attribute) ? e.attr(attribute) : null;
        };
    }

    @Override
    public Reads reads() {
        return Reads.HTML;
    }
}

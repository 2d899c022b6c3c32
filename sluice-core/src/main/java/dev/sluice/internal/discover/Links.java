package dev.sluice.internal.discover;

import dev.sluice.Lineage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * The {@code --follow-links [CSS]} rule: on an HTML body, the URL of every element the selector picks (default
 * {@code a[href]}), in document order. The URL of an element is its {@code href} for {@code a}, {@code area} and
 * {@code link}, else its {@code src} (or, lacking one, its {@code href}). It is resolved against the first
 * {@code <base href>} (itself resolved against the response's final URI), else that URI; the fragment is
 * dropped; anything that is not an http(s) URL ({@code javascript:}, {@code mailto:}, empty, malformed) is
 * dropped silently; then {@link LinkFilter} decides.
 *
 * <p>An HTML body: Content-Type {@code text/html} or {@code application/xhtml+xml}, or no Content-Type and a
 * body whose first character, after a byte order mark and white space, is {@code <}. Its charset: the
 * Content-Type's, else a byte order mark or a {@code <meta charset>}, else UTF-8 (jsoup's detection).
 *
 * <p>Thread-safe: the selector (a jsoup {@link Evaluator}) is thread-safe and the rest immutable.
 */
final class Links {
    static final String DEFAULT_SELECTOR = "a[href]";

    private final String css;
    private final Evaluator selector;
    private final LinkFilter filter;

    private Links(String css, Evaluator selector, LinkFilter filter) {
        this.css = css;
        this.selector = selector;
        this.filter = filter;
    }

    static Links compile(String css, LinkFilter filter) {
        String selector = css.isBlank() ? DEFAULT_SELECTOR : css;
        try {
            return new Links(selector, QueryParser.parse(selector), filter);
        } catch (Selector.SelectorParseException e) {
            throw new IllegalArgumentException("--follow-links '" + css + "': invalid CSS selector: " + e.getMessage(), e);
        }
    }

    void discover(Page page) throws IOException {
        Response r = page.response;
        if (!isHtml(r.contentType(), r.body())) {
            return;
        }
        String location = r.finalUri().toString();
        Document doc = Jsoup.parse(new ByteArrayInputStream(r.body()), charset(r.contentType()), location);
        URI base = base(doc, r.finalUri());
        LinkFilter.Site site = filter.site(r.finalUri());
        for (Element e : doc.select(selector)) {
            String ref = reference(e);
            if (ref == null) {
                continue;
            }
            String url;
            try {
                url = Urls.resolve(base, ref);
            } catch (Urls.BadUrl dropped) {
                continue;
            }
            if (filter.keeps(site, url)) {
                page.add(url, Lineage.LINK, 1);
            }
        }
    }

    /** The URL an element stands for, as written, or null. */
    private static String reference(Element e) {
        String tag = e.normalName();
        if (tag.equals("a") || tag.equals("area") || tag.equals("link") || !e.hasAttr("src")) {
            return e.hasAttr("href") ? e.attr("href") : null;
        }
        return e.attr("src");
    }

    /** The first {@code <base href>} resolved against the page's URI, when it is an http(s) URL; else the page's URI. */
    private static URI base(Document doc, URI page) {
        // jsoup sets the document's base URI from the first <base href> as it parses: look only when it did
        if (doc.baseUri().equals(doc.location())) {
            return page;
        }
        Element b = doc.selectFirst("base[href]");
        if (b == null) {
            return page;
        }
        try {
            return URI.create(Urls.resolve(page, b.attr("href")));
        } catch (Urls.BadUrl | IllegalArgumentException e) {
            return page;
        }
    }

    /** Whether a body is HTML, by its Content-Type or, with none, by its first character. */
    static boolean isHtml(String contentType, byte[] body) {
        if (contentType != null && !contentType.isBlank()) {
            String type = mediaType(contentType);
            return type.equals("text/html") || type.equals("application/xhtml+xml");
        }
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            i = 3;
        } else if (body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF
                || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE)) {
            // UTF-16: the first character is two bytes, '<' and a zero byte in one order or the other
            i = 2;
            while (i + 1 < body.length) {
                int c = (body[0] & 0xFF) == 0xFE ? body[i + 1] : body[i];
                int other = (body[0] & 0xFF) == 0xFE ? body[i] : body[i + 1];
                if (other != 0 || !(c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                    return other == 0 && c == '<';
                }
                i += 2;
            }
            return false;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r' || body[i] == '\f')) {
            i++;
        }
        return i < body.length && body[i] == '<';
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The charset a Content-Type names, when Java knows it; else null (jsoup then detects it). */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String name = param.substring(eq + 1).trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.isSupported(name) ? Charset.forName(name).name() : null;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return css;
    }
}

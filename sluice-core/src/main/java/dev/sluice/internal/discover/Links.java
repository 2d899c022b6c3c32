package dev.sluice.internal.discover;

import dev.sluice.Lineage;
import dev.sluice.internal.fetch.ContentTypes;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;

/**
 * The {@code --follow-links [CSS]} rule: on an HTML body, the URL of every element the selector picks (default
 * {@code a[href]}), in document order. The URL of an element is its {@code href} for {@code a}, {@code area} and
 * {@code link}, else its {@code src} (or, lacking one, its {@code href}). It is resolved against the first
 * {@code <base href>} (itself resolved against the response's final URI), else that URI; the fragment is
 * dropped; anything that is not an http(s) URL ({@code javascript:}, {@code mailto:}, empty, malformed) is
 * dropped silently; then {@link LinkFilter} decides.
 *
 * <p>An HTML body as {@link ContentTypes#isHtml} has it. Its charset: the Content-Type's, else a byte order mark or
 * a {@code <meta charset>}, else UTF-8 (jsoup's detection).
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
        if (!ContentTypes.isHtml(r.contentType(), r.body())) {
            return;
        }
        String location = r.finalUri().toString();
        Document doc = Jsoup.parse(new ByteArrayInputStream(r.body()), ContentTypes.charset(r.contentType()), location);
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

    @Override
    public String toString() {
        return css;
    }
}

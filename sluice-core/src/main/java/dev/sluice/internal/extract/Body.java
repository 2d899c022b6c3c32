package dev.sluice.internal.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.FetchedBody;
import dev.sluice.internal.fetch.ContentTypes;
import dev.sluice.internal.process.JqProgram;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Tag;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One response as the fields of a table read it, each view worked out at most once, on first use: the jsoup
 * document, its W3C DOM (only for XPath), the JSON tree, the JSON-LD blocks, the text. Made per response by
 * {@link Extractor#extract} and used only by the CPU-pool thread running it.
 *
 * <p>The page's charset: the Content-Type's, else jsoup's detection (a byte order mark, {@code <meta charset>},
 * else UTF-8). Its base URI: its final URI, or the first {@code <base href>} resolved against it. A JSON body is
 * read as JSON reads it (UTF-8, or UTF-16/32 by its bytes) unless the Content-Type names another charset.
 */
final class Body {
    /** The blocks {@code jsonld:} reads: a script whose type is {@code application/ld+json}, parameters allowed. */
    private static final Evaluator JSON_LD = QueryParser.parse("script[type~=(?i)^\\s*application/ld\\+json\\s*(;.*)?$]");

    /** A JSON-LD block that is not JSON, left out: its text and why. */
    record BrokenBlock(String text, String reason) {
    }

    private final FetchedBody response;
    private final Instant fetchedAt;
    /** Whether the spec reads HTML: the body is then a page, whatever its Content-Type says. */
    private final boolean readsHtml;
    private Boolean html;
    private Document document;
    private org.w3c.dom.Document w3c;
    private Map<Element, Node> w3cElements;
    private JsonNode json;
    private UnreadableBody notJson;
    private List<JsonNode> jsonLd;
    private final List<BrokenBlock> brokenJsonLd = new ArrayList<>();
    private String text;
    private Element resolver;

    Body(FetchedBody response, Instant fetchedAt, boolean readsHtml) {
        this.response = response;
        this.fetchedAt = fetchedAt;
        this.readsHtml = readsHtml;
    }

    FetchedBody response() {
        return response;
    }

    Instant fetchedAt() {
        return fetchedAt;
    }

    /** The page, parsed by jsoup (forgiving, as browsers are: unclosed tags and all). */
    Document document() {
        if (document == null) {
            try {
                document = Jsoup.parse(new ByteArrayInputStream(response.body()),
                        ContentTypes.charset(response.contentType()), response.finalUri().toString());
                document.outputSettings().prettyPrint(false); // ::html and re: read the markup as written
            } catch (IOException e) {
                throw new UncheckedIOException("reading bytes in memory", e);
            }
        }
        return document;
    }

    /** The page as a W3C DOM, for XPath; elements in no namespace, so {@code //li} finds them. */
    org.w3c.dom.Document w3c() {
        if (w3c == null) {
            w3c = new W3CDom().namespaceAware(false).fromJsoup(document());
        }
        return w3c;
    }

    /** The W3C node of a jsoup element of the page (for XPath relative to a {@code --rows css:} element). */
    Node w3c(Element element) {
        if (w3cElements == null) {
            w3cElements = new IdentityHashMap<>();
            NodeList all = w3c().getElementsByTagName("*");
            for (int i = 0; i < all.getLength(); i++) {
                if (XPathProgram.source(all.item(i)) instanceof Element e) {
                    w3cElements.put(e, all.item(i));
                }
            }
        }
        Node n = w3cElements.get(element);
        return n != null ? n : w3c();
    }

    /** The body as JSON, parsed once; an {@link UnreadableBody} (every time) when it is not JSON. */
    JsonNode json() throws UnreadableBody {
        if (notJson != null) {
            throw notJson;
        }
        if (json == null) {
            try {
                json = parseJson();
            } catch (UnreadableBody e) {
                notJson = e;
                throw e;
            }
        }
        return json;
    }

    private JsonNode parseJson() throws UnreadableBody {
        String charset = ContentTypes.charset(response.contentType());
        JsonNode tree;
        try {
            tree = charset == null || charset.startsWith("UTF-")
                    ? JsonReaders.STRICT.readTree(response.body())
                    : JsonReaders.STRICT.readTree(new String(response.body(), Charset.forName(charset)));
        } catch (JsonProcessingException e) {
            throw new UnreadableBody("body is not JSON (Content-Type " + response.contentType() + "): "
                    + JqProgram.describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading bytes in memory", e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new UnreadableBody("body is empty, not JSON (Content-Type " + response.contentType() + ")", null);
        }
        return tree;
    }

    /**
     * The page's JSON-LD blocks, in page order, each parsed once ({@link JsonReaders#LENIENT}): a block that is an
     * array counts as its elements, a block with a {@code @graph} list as that list's members (what {@code @graph}
     * means: several things described in one block). A block that is not JSON is left out ({@link #brokenJsonLd}):
     * one broken block does not fail the page.
     */
    List<JsonNode> jsonLd() {
        if (jsonLd == null) {
            jsonLd = new ArrayList<>();
            int n = 0;
            for (Element script : document().select(JSON_LD)) {
                n++;
                String data = script.data();
                try {
                    JsonNode block = JsonReaders.LENIENT.readTree(data);
                    if (block != null && !block.isMissingNode()) {
                        addBlocks(block);
                    }
                } catch (JsonProcessingException e) {
                    brokenJsonLd.add(new BrokenBlock(data, "JSON-LD block " + n + " is not JSON, left out: "
                            + JqProgram.describe(e)));
                }
            }
        }
        return jsonLd;
    }

    private void addBlocks(JsonNode block) {
        if (block.isArray()) {
            block.forEach(this::addBlocks);
        } else if (block.path("@graph").isArray()) {
            block.get("@graph").forEach(this::addBlocks);
        } else {
            jsonLd.add(block);
        }
    }

    /** The JSON-LD blocks {@link #jsonLd} left out, once it has run. */
    List<BrokenBlock> brokenJsonLd() {
        return brokenJsonLd;
    }

    /** The whole body as text: in the page's charset for a page, else the Content-Type's, else UTF-8. */
    String text() {
        if (text == null) {
            if (html()) {
                text = new String(response.body(), document().charset());
            } else {
                String charset = ContentTypes.charset(response.contentType());
                text = new String(response.body(), charset == null ? StandardCharsets.UTF_8 : Charset.forName(charset));
            }
        }
        return text;
    }

    /**
     * {@code ref} resolved against the page's base URI as jsoup resolves an {@code abs:} attribute (what a browser
     * does with an href); an absolute URL stays as it is; empty when it cannot be resolved. jsoup's resolver is not
     * exported, so this goes through a detached element of its own.
     */
    String resolve(String ref) {
        if (resolver == null) {
            resolver = new Element(Tag.valueOf("a"), html() ? document().baseUri() : response.finalUri().toString());
        }
        resolver.attr("href", ref);
        return resolver.absUrl("href");
    }

    /** Whether the body is a page: the spec reads HTML, or the response says it is HTML. */
    private boolean html() {
        if (html == null) {
            html = readsHtml || ContentTypes.isHtml(response.contentType(), response.body());
        }
        return html;
    }
}

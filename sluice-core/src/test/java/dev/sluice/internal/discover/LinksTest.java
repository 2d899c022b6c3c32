package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.Scope;
import dev.sluice.Request;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.sluice.internal.discover.Fixtures.html;
import static dev.sluice.internal.discover.Fixtures.options;
import static dev.sluice.internal.discover.Fixtures.urls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinksTest {
    private static final Discovery ALL = Discovery.compile(options().followLinks("").scope(Scope.ALL).build());

    private static List<String> links(Discovery d, Response r) throws Exception {
        return urls(d.discover(r));
    }

    private static Response withType(Response r, String contentType, byte[] body) {
        return new Response(null, r.requestUrl(), r.finalUri(), 200, contentType, List.of(), body, -1, r.lineage(), null);
    }

    @Test
    void anchorsInDocumentOrderResolvedFragmentsDroppedDuplicatesRemoved() throws Exception {
        String page = """
                <html><head><link href="/style.css" rel=stylesheet><title><a href="/not-a-tag"></title></head>
                <body><a href="b.html#top">B</a> <a name=x>no href</a> <a href=" /c?q=1&amp;r=2 ">C</a>
                <!-- <a href="/commented"> --><script>var s = '<a href="/in-script">';</script>
                <a href="b.html#other">B again</a><a href="javascript:void(0)">js</a><a href="mailto:a@b.test">m</a>
                <a href="">empty</a><a href="#only-fragment">self</a><a href="HTTP://Host.TEST:80/d">D</a>
                <a href="tel:123">t</a><a href="ftp://host.test/f">f</a><a href="//host.test/e">E</a></body></html>
                """;
        List<Discovered> found = ALL.discover(html("http://host.test/dir/index.html", page));
        assertThat(urls(found)).containsExactly("http://host.test/dir/b.html", "http://host.test/c?q=1&r=2",
                "http://host.test/dir/index.html", "http://host.test/d", "http://host.test/e");
        assertThat(found).extracting(Discovered::lineage)
                .containsOnly(new Lineage(Request.get("http://host.test/dir/index.html").id(), 1, "link", 1));
    }

    @Test
    void baseHrefIsHonoured() throws Exception {
        String page = "<html><head><base href=\"/assets/v2/\"><base href=\"/ignored/\"></head><body><a href=\"x\">x</a>"
                + "<a href=\"/abs\">abs</a></body></html>";
        assertThat(links(ALL, html("http://host.test/a/b", page))).containsExactly("http://host.test/assets/v2/x", "http://host.test/abs");
        String other = "<base href=\"https://cdn.test/root/\"><a href=\"y\">y</a>";
        assertThat(links(ALL, html("http://host.test/a/b", other))).containsExactly("https://cdn.test/root/y");
        String notHttp = "<base href=\"javascript:x\"><a href=\"z\">z</a>";
        assertThat(links(ALL, html("http://host.test/a/b", notHttp))).containsExactly("http://host.test/a/z");
    }

    @Test
    void relativeLinksResolveAgainstTheFinalUri() throws Exception {
        Response r = Fixtures.redirected(html("http://host.test/old", "<a href=\"next\">n</a>"), "http://host.test/new/page");
        assertThat(links(ALL, r)).containsExactly("http://host.test/new/next");
    }

    @Test
    void customSelectorsTakeSrcOrHref() throws Exception {
        Discovery d = Discovery.compile(options().followLinks("img[src], area, nav a, link[rel=next], iframe").scope(Scope.ALL).build());
        String page = "<img src=\"/i.png\"><img alt=no-src><map><area href=\"/area\"></map><a href=\"/outside\">o</a>"
                + "<nav><a href=\"/nav\">n</a></nav><link rel=next href=\"/p2\"><iframe src=\"/frame\"></iframe>";
        assertThat(links(d, html("http://host.test/", page)))
                .containsExactly("http://host.test/i.png", "http://host.test/area", "http://host.test/nav", "http://host.test/p2",
                        "http://host.test/frame");
        assertThatThrownBy(() -> Discovery.compile(options().followLinks("a[href").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--follow-links 'a[href': invalid CSS selector: ");
    }

    @Test
    void onlyHtmlBodies() throws Exception {
        byte[] page = "<a href=\"/x\">x</a>".getBytes(StandardCharsets.UTF_8);
        Response r = html("http://host.test/", "");
        assertThat(links(ALL, withType(r, "text/html", page))).hasSize(1);
        assertThat(links(ALL, withType(r, "Application/XHTML+XML; charset=utf-8", page))).hasSize(1);
        assertThat(links(ALL, withType(r, "text/plain", page))).isEmpty();
        assertThat(links(ALL, withType(r, "application/json", page))).isEmpty();
        // no Content-Type: sniffed
        assertThat(links(ALL, withType(r, null, page))).hasSize(1);
        assertThat(links(ALL, withType(r, null, ("\uFEFF \n" + "<a href=\"/x\">x</a>").getBytes(StandardCharsets.UTF_8)))).hasSize(1);
        assertThat(links(ALL, withType(r, null, "x <a href=\"/x\">".getBytes(StandardCharsets.UTF_8)))).isEmpty();
        assertThat(links(ALL, withType(r, null, new byte[0]))).isEmpty();
        byte[] utf16 = ("\uFEFF<a href=\"/x16\">x</a>").getBytes(StandardCharsets.UTF_16BE);
        assertThat(links(ALL, withType(r, null, utf16))).containsExactly("http://host.test/x16");
    }

    @Test
    void charsetFromContentTypeThenMeta() throws Exception {
        Response r = html("http://host.test/", "");
        byte[] latin1 = "<a href=\"/caf\u00e9\">c</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(links(ALL, withType(r, "text/html; charset=ISO-8859-1", latin1))).containsExactly("http://host.test/caf%C3%A9");
        byte[] meta = "<meta charset=\"windows-1252\"><a href=\"/caf\u00e9\">c</a>".getBytes(Charset.forName("windows-1252"));
        assertThat(links(ALL, withType(r, "text/html", meta))).containsExactly("http://host.test/caf%C3%A9");
        assertThat(links(ALL, withType(r, "text/html; charset=\"no-such-charset\"", "<a href=\"/u\">".getBytes(StandardCharsets.UTF_8))))
                .containsExactly("http://host.test/u");
    }

    @Test
    void scopes() throws Exception {
        String page = "<a href=\"/same\">1</a><a href=\"https://example.com/tls\">2</a><a href=\"http://example.com:8080/port\">3</a>"
                + "<a href=\"http://www.example.com/www\">4</a><a href=\"http://other.org/o\">5</a>"
                + "<a href=\"http://EXAMPLE.com/upper\">6</a>";
        Response r = html("http://example.com/", page);
        assertThat(links(Discovery.compile(options().followLinks("").build()), r))
                .containsExactly("http://example.com/same", "http://example.com/upper");
        assertThat(links(Discovery.compile(options().followLinks("").scope(Scope.SAME_ORIGIN).build()), r))
                .containsExactly("http://example.com/same", "http://example.com/upper");
        assertThat(links(Discovery.compile(options().followLinks("").scope(Scope.SAME_DOMAIN).build()), r))
                .containsExactly("http://example.com/same", "https://example.com/tls", "http://example.com:8080/port",
                        "http://www.example.com/www", "http://example.com/upper");
        assertThat(links(ALL, r)).hasSize(6);
    }

    @Test
    void sameHostComparesPortsAndSameOriginSchemes() throws Exception {
        String page = "<a href=\"http://host.test:443/a\">1</a><a href=\"https://host.test/b\">2</a><a href=\"https://host.test:8443/c\">3</a>";
        Response r = html("https://host.test:443/", page);
        assertThat(links(Discovery.compile(options().followLinks("").build()), r))
                .containsExactly("http://host.test:443/a", "https://host.test/b");
        assertThat(links(Discovery.compile(options().followLinks("").scope(Scope.SAME_ORIGIN).build()), r))
                .containsExactly("https://host.test/b");
    }

    @Test
    void sameDomainUsesThePublicSuffixListAndHostsForIps() throws Exception {
        Discovery d = Discovery.compile(options().followLinks("").scope(Scope.SAME_DOMAIN).build());
        String page = "<a href=\"http://b.example.co.uk/1\">1</a><a href=\"http://other.co.uk/2\">2</a>"
                + "<a href=\"http://example.co.uk/3\">3</a>";
        assertThat(links(d, html("http://a.example.co.uk/", page))).containsExactly("http://b.example.co.uk/1", "http://example.co.uk/3");
        String ips = "<a href=\"http://127.0.0.1:9/x\">1</a><a href=\"http://127.0.0.2/y\">2</a><a href=\"http://localhost/z\">3</a>";
        assertThat(links(d, html("http://127.0.0.1:8080/", ips))).containsExactly("http://127.0.0.1:9/x");
        assertThat(links(d, html("http://[::1]:8080/", "<a href=\"http://[::1]/v6\">v6</a>"))).containsExactly("http://[::1]/v6");
    }

    @Test
    void includeAndExclude() throws Exception {
        String page = "<a href=\"/docs/a\">1</a><a href=\"/docs/b.pdf\">2</a><a href=\"/blog/c\">3</a><a href=\"/docs/d?print=1\">4</a>";
        Response r = html("http://host.test/", page);
        Discovery globs = Discovery.compile(options().followLinks("").include("http://host.test/docs/*").exclude("*.pdf", "*?print=?").build());
        assertThat(links(globs, r)).containsExactly("http://host.test/docs/a");
        Discovery regex = Discovery.compile(options().followLinks("").include("re:/(docs|blog)/", "re:nomatch").exclude("re:\\.pdf$").build());
        assertThat(links(regex, r)).containsExactly("http://host.test/docs/a", "http://host.test/blog/c", "http://host.test/docs/d?print=1");
        // a glob matches the whole URL; its other characters are literal
        Discovery literal = Discovery.compile(options().followLinks("").include("*/docs/a").build());
        assertThat(links(literal, html("http://host.test/", "<a href=\"/docs/a\">1</a><a href=\"/docs/a2\">2</a><a href=\"/docsXa\">3</a>")))
                .containsExactly("http://host.test/docs/a");
        Discovery dots = Discovery.compile(options().followLinks("").include("http://host.test/a.b").build());
        assertThat(links(dots, html("http://host.test/", "<a href=\"/a.b\">1</a><a href=\"/aXb\">2</a>"))).containsExactly("http://host.test/a.b");
    }

    @Test
    void badPatternsNameTheOption() {
        assertThatThrownBy(() -> Discovery.compile(options().followLinks("").exclude("re:(unclosed").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--exclude 're:(unclosed': invalid regular expression: Unclosed group");
        assertThatThrownBy(() -> Discovery.compile(options().followLinks("").include("").build()))
                .hasMessage("--include '': expected a glob or re:REGEX");
        assertThatThrownBy(() -> Discovery.compile(options().include("*").build()))
                .hasMessage("--include applies to the links of --follow-links only, which is not given");
    }

    @Test
    void scopeAndPatternsDoNotApplyToOtherRules() throws Exception {
        Discovery d = Discovery.compile(options().follow(".u").followLinks("").exclude("*").build());
        Response r = Fixtures.json("http://host.test/", "{\"u\":\"http://elsewhere.test/x\"}");
        assertThat(urls(d.discover(r))).containsExactly("http://elsewhere.test/x");
    }

    @Test
    void aLargePageIsParsedOnce() throws Exception {
        StringBuilder b = new StringBuilder("<html><body>");
        for (int i = 0; i < 2_000; i++) {
            b.append("<div><p>text ").append(i).append(" <a href=\"/p/").append(i % 500).append("\">l</a></p></div>");
        }
        assertThat(links(ALL, html("http://host.test/", b.toString()))).hasSize(500).startsWith("http://host.test/p/0");
    }

    @Test
    void parsesFromBytesWithAnUnusualFinalUri() throws Exception {
        Response r = new Response(null, "http://host.test/x", URI.create("http://host.test"), 200, "text/html", List.of(),
                "<a href=\"y\">".getBytes(StandardCharsets.UTF_8), -1, Lineage.INPUT, null);
        assertThat(links(ALL, r)).containsExactly("http://host.test/y");
    }
}

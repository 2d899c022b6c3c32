package dev.sluice.internal.discover;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlsTest {
    private static final URI BASE = URI.create("http://a/b/c/d;p?q");

    /** RFC 3986 §5.4: the normal and abnormal examples (fragments dropped, as discovery does). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "g:h|",
            "g|http://a/b/c/g",
            "./g|http://a/b/c/g",
            "g/|http://a/b/c/g/",
            "/g|http://a/g",
            "//g|http://g/",
            "?y|http://a/b/c/d;p?y",
            "g?y|http://a/b/c/g?y",
            "#s|http://a/b/c/d;p?q",
            "g#s|http://a/b/c/g",
            "g?y#s|http://a/b/c/g?y",
            ";x|http://a/b/c/;x",
            "g;x|http://a/b/c/g;x",
            "''|",
            ".|http://a/b/c/",
            "./|http://a/b/c/",
            "..|http://a/b/",
            "../g|http://a/b/g",
            "../..|http://a/",
            "../../g|http://a/g",
            "../../../g|http://a/g",
            "../../../../g|http://a/g",
            "/./g|http://a/g",
            "/../g|http://a/g",
            "g.|http://a/b/c/g.",
            ".g|http://a/b/c/.g",
            "g..|http://a/b/c/g..",
            "./../g|http://a/b/g",
            "./g/.|http://a/b/c/g/",
            "g/./h|http://a/b/c/g/h",
            "g/../h|http://a/b/c/h",
            "g;x=1/./y|http://a/b/c/g;x=1/y",
            "g;x=1/../y|http://a/b/c/y",
            "g?y/./x|http://a/b/c/g?y/./x",
            "http:g|",
    })
    void resolvesAsRfc3986(String ref, String expected) {
        if (expected == null) {
            assertThatThrownBy(() -> Urls.resolve(BASE, ref)).isInstanceOf(Urls.BadUrl.class);
        } else {
            assertThat(resolve(BASE, ref)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "HTTP://Example.COM:80/A?B=C#frag|http://example.com/A?B=C",
            "https://example.com:443|https://example.com/",
            "https://example.com:8443/x|https://example.com:8443/x",
            "http://example.com:443/x|http://example.com:443/x",
            "'  /x y\t\n '|http://h.test/x%20y",
            "/ä?q=é|http://h.test/%C3%A4?q=%C3%A9",
            "/a%2Fb?x=%zz|http://h.test/a%2Fb?x=%25zz",
            "/a{b}|http://h.test/a%7Bb%7D",
            "http://bücher.de/|http://xn--bcher-kva.de/",
            "http://[::1]:8080/x|http://[::1]:8080/x",
            "\\\\other.test\\p|http://other.test/p",
            "//cdn.test/x|http://cdn.test/x",
            "?only|http://h.test/dir/page?only",
            "http://u:p@h.test/|http://u:p@h.test/",
    })
    void normalForm(String ref, String expected) {
        assertThat(resolve(URI.create("http://h.test/dir/page"), ref)).isEqualTo(expected);
    }

    @Test
    void baseWithEmptyPath() {
        assertThat(resolve(URI.create("http://h.test"), "x")).isEqualTo("http://h.test/x");
        assertThat(resolve(URI.create("http://h.test"), "?p=1")).isEqualTo("http://h.test/?p=1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "javascript:void(0)|scheme 'javascript' is not http or https",
            "mailto:a@b.test|scheme 'mailto' is not http or https",
            "ftp://h.test/|scheme 'ftp' is not http or https",
            "''|empty",
            "'   '|empty",
            "#top|",
            "http:///x|no host",
            "http://h.test:99999/|port 99999 is out of range",
    })
    void refused(String ref, String reason) {
        if (reason == null) {
            assertThat(resolve(URI.create("http://h.test/p"), ref)).isEqualTo("http://h.test/p"); // the page itself
            return;
        }
        assertThatThrownBy(() -> Urls.resolve(URI.create("http://h.test/p"), ref))
                .isInstanceOf(Urls.BadUrl.class).hasMessageContaining(reason);
    }

    @Test
    void tooLong() {
        assertThatThrownBy(() -> Urls.resolve(URI.create("http://h.test/"), "/" + "x".repeat(9000)))
                .hasMessageContaining("longer than 8192 bytes");
    }

    @Test
    void queryParameters() {
        assertThat(Urls.withQueryParam("http://h/x?a=1&cursor=old&b=2", "cursor", "n+w/="))
                .isEqualTo("http://h/x?a=1&cursor=n%2Bw%2F%3D&b=2");
        assertThat(Urls.withQueryParam("http://h/x", "page", "2")).isEqualTo("http://h/x?page=2");
        assertThat(Urls.withQueryParam("http://h/x?", "page", "2")).isEqualTo("http://h/x?page=2");
        assertThat(Urls.withQueryParam("http://h/x?page=1&q=a&page=7", "page", "2")).isEqualTo("http://h/x?page=2&q=a");
        assertThat(Urls.withQueryParam("http://h/x?a=1#f", "b", "x y")).isEqualTo("http://h/x?a=1&b=x%20y");
        assertThat(Urls.queryParam("http://h/x?a=1&c=x%20y+z&d", "c")).isEqualTo("x y z");
        assertThat(Urls.queryParam("http://h/x?a=1&d", "d")).isEmpty();
        assertThat(Urls.queryParam("http://h/x?a=1", "b")).isNull();
        assertThat(Urls.queryParam("http://h/x#?a=1", "a")).isNull();
    }

    private static String resolve(URI base, String ref) {
        try {
            return Urls.resolve(base, ref);
        } catch (Urls.BadUrl e) {
            throw new AssertionError(ref + ": " + e.getMessage());
        }
    }
}

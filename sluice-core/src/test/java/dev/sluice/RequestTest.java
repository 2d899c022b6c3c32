package dev.sluice;

import dev.sluice.internal.input.UrlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request's identity: the hash of method, canonical URL and body that keys its rows. */
class RequestTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "http://example.com/a                 | http://example.com/a",
            "HTTP://Example.COM/a                 | http://example.com/a",
            "http://example.com:80/a              | http://example.com/a",
            "https://example.com:443/a            | https://example.com/a",
            "http://example.com:443/a             | http://example.com:443/a",
            "http://example.com:/a                | http://example.com/a",
            "http://example.com/a#top             | http://example.com/a",
            "http://example.com                   | http://example.com/",
            "http://example.com?q=1               | http://example.com/?q=1",
            "http://example.com:8080              | http://example.com:8080/",
            "http://example.com:8080?q=1#f        | http://example.com:8080/?q=1",
            "http://User:***@Example.com/Path?Q=A | http://User:***@example.com/Path?Q=A",
            "http://[::1]:80/x                    | http://[::1]/x",
            "not a url                            | not a url"})
    void theCanonicalUrlLowerCasesSchemeAndHostAndDropsDefaultPortAndFragment(String written, String canonical) {
        assertThat(UrlParser.canonical(written)).isEqualTo(canonical);
    }

    @Test
    void theIdentityIsTheDocumentedHash() throws Exception {
        byte[] body = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("POST http://example.com/search\n".getBytes(StandardCharsets.UTF_8));
        sha.update(body);
        String expected = HexFormat.of().formatHex(sha.digest(), 0, 16);

        assertThat(new Request("post", "HTTP://Example.com:80/search#x", null, body).id()).isEqualTo(expected).hasSize(32);
    }

    @Test
    void methodUrlAndBodyMakeTheIdentityAndHeadersDoNot() {
        Request get = Request.get("http://example.com/a");
        assertThat(new Request("GET", "http://EXAMPLE.com/a#f", Map.of("Accept", "x"), new byte[0]).id()).isEqualTo(get.id());
        assertThat(new Request("POST", "http://example.com/a", null, null).id()).isNotEqualTo(get.id());
        assertThat(new Request("POST", "http://example.com/a", null, "a".getBytes(StandardCharsets.UTF_8)).id())
                .isNotEqualTo(new Request("POST", "http://example.com/a", null, "b".getBytes(StandardCharsets.UTF_8)).id());
        assertThat(Request.get("http://example.com/a?x=1").id()).isNotEqualTo(Request.get("http://example.com/a?X=1").id());
    }

    @Test
    void aMethodMustBeAToken() {
        assertThatThrownBy(() -> new Request("PO ST", "http://example.com/", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PO ST' is not an HTTP method");
        assertThat(new Request("propfind", "http://example.com/", null, null).method()).isEqualTo("PROPFIND");
    }

    @Test
    void headersSurviveTheirJsonForm() {
        Request r = new Request("GET", "http://example.com/", Map.of("X-A", "1 \"two\""), null);
        assertThat(Request.headersFromJson(r.headersJson())).isEqualTo(r.headers());
        assertThat(Request.get("http://example.com/").headersJson()).isNull();
    }
}

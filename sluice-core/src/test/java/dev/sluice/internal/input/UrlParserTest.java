package dev.sluice.internal.input;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlParserTest {
    private static String credentials(UrlParser.Parsed parsed) {
        assertThat(parsed.authorization()).startsWith("Basic ");
        return new String(Base64.getDecoder().decode(parsed.authorization().substring(6)), StandardCharsets.UTF_8);
    }

    @Test
    void userInformationBecomesBasicAuthPercentDecodedAndLeavesTheUrl() throws Exception {
        UrlParser.Parsed parsed = UrlParser.parse("http://al%20ice:p%40ss:w%C3%B6rd@example.com:8080/a?b#c");

        assertThat(credentials(parsed)).isEqualTo("al ice:p@ss:wörd");
        assertThat(parsed.uri()).isEqualTo(URI.create("http://example.com:8080/a?b#c"));
        assertThat(parsed.hostKey()).isEqualTo("example.com:8080");
    }

    @Test
    void aPasswordWithARawAtSignEndsAtTheLastOneAsBrowsersAndCurlSay() throws Exception {
        UrlParser.Parsed parsed = UrlParser.parse("https://user:p@ss@example.com/x@y");

        assertThat(credentials(parsed)).isEqualTo("user:p@ss");
        assertThat(parsed.uri()).isEqualTo(URI.create("https://example.com/x@y"));
    }

    @Test
    void aUserWithoutPasswordIsSentWithAnEmptyOneAndAUrlWithoutUserInformationHasNoHeader() throws Exception {
        assertThat(credentials(UrlParser.parse("http://token@example.com/"))).isEqualTo("token:");
        assertThat(UrlParser.parse("http://example.com/?to=a@b").authorization()).isNull();
    }

    @Test
    void theStoredFormMasksThePasswordOnly() {
        assertThat(UrlParser.masked("http://user:secret@example.com/a")).isEqualTo("http://user:***@example.com/a");
        assertThat(UrlParser.masked("http://user:p@ss@example.com/a")).isEqualTo("http://user:***@example.com/a");
        assertThat(UrlParser.masked("ftp://user:secret@example.com")).isEqualTo("ftp://user:***@example.com");
        assertThat(UrlParser.masked("http://user@example.com/a")).isEqualTo("http://user@example.com/a");
        assertThat(UrlParser.masked("http://example.com/a?mail=x:y@z")).isEqualTo("http://example.com/a?mail=x:y@z");
    }

    @Test
    void messagesAboutABadUrlNeverShowItsPassword() {
        for (String bad : new String[] {"http://user:secret@/path", "gopher://user:secret@example.com/",
                "http://user:secret@exa mple.com/", "http://user:secret@example.com:99999/"}) {
            assertThatThrownBy(() -> UrlParser.parse(bad)).isInstanceOf(UrlParser.InvalidUrlException.class)
                    .message().doesNotContain("secret");
        }
    }

    @Test
    void anInternationalHostIsFetchedByItsAsciiForm() throws Exception {
        UrlParser.Parsed parsed = UrlParser.parse("http://Bücher.example:8080/straße?q=ü");

        assertThat(parsed.uri().getHost()).isEqualTo("xn--bcher-kva.example");
        assertThat(parsed.uri().getRawPath()).isEqualTo("/straße");
        assertThat(parsed.hostKey()).isEqualTo("xn--bcher-kva.example:8080");
        assertThat(UrlParser.parse("https://user:pw@東京.example/").uri()).isEqualTo(URI.create("https://xn--1lqs71d.example/"));
    }

    @Test
    void aHostThatIsNoDomainNameIsInvalid() {
        assertThatThrownBy(() -> UrlParser.parse("http://" + "ü".repeat(70) + ".example/"))
                .isInstanceOf(UrlParser.InvalidUrlException.class).hasMessageContaining("not a valid international domain name");
    }

    @Test
    void aUrlOverTheLimitIsInvalidNamingTheLimit() throws Exception {
        String base = "http://example.com/?q=";
        String atLimit = base + "a".repeat(UrlParser.MAX_URL_BYTES - base.length());
        String overByOneByte = base + "é" + "a".repeat(UrlParser.MAX_URL_BYTES - base.length() - 1); // é: 2 bytes

        assertThat(UrlParser.parse(atLimit).uri().toString()).isEqualTo(atLimit);
        assertThatThrownBy(() -> UrlParser.parse(overByOneByte)).isInstanceOf(UrlParser.InvalidUrlException.class)
                .hasMessage("longer than the limit of 8,192 bytes for a URL (8,193 bytes)");
    }

    @Test
    void originsCompareSchemeHostAndPortWithDefaults() {
        assertThat(UrlParser.sameOrigin(URI.create("http://A.example/x"), URI.create("http://a.example:80/y"))).isTrue();
        assertThat(UrlParser.sameOrigin(URI.create("http://a.example/"), URI.create("https://a.example/"))).isFalse();
        assertThat(UrlParser.sameOrigin(URI.create("http://a.example/"), URI.create("http://b.example/"))).isFalse();
        assertThat(UrlParser.sameOrigin(URI.create("http://a.example/"), URI.create("http://a.example:8080/"))).isFalse();
    }
}

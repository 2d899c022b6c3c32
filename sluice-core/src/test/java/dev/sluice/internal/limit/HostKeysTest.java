package dev.sluice.internal.limit;

import dev.sluice.HostKey;
import dev.sluice.internal.input.UrlParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostKeysTest {
    private static String key(HostKey kind, String url) throws UrlParser.InvalidUrlException {
        return new HostKeys(kind).of(UrlParser.parse(url));
    }

    @Test
    void hostKeysByNameAndPort() throws Exception {
        assertThat(key(HostKey.HOST, "https://API.example.com/x")).isEqualTo("api.example.com:443");
        assertThat(key(HostKey.HOST, "http://api.example.com:8080/x")).isEqualTo("api.example.com:8080");
    }

    @Test
    void domainKeysByRegistrableDomainUnderThePublicSuffixList() throws Exception {
        assertThat(key(HostKey.DOMAIN, "https://a.b.example.co.uk/x")).isEqualTo("example.co.uk");
        assertThat(key(HostKey.DOMAIN, "http://www.example.com:8080/")).isEqualTo("example.com");
        assertThat(key(HostKey.DOMAIN, "http://user.github.io/")).as("a private suffix").isEqualTo("user.github.io");
        assertThat(key(HostKey.DOMAIN, "http://127.0.0.1:9/")).isEqualTo("127.0.0.1");
        assertThat(key(HostKey.DOMAIN, "http://localhost:9/")).isEqualTo("localhost");
    }

    @Test
    void ipKeysByAddressSoNamesOfOneMachineShare() throws Exception {
        assertThat(key(HostKey.IP, "http://localhost:1/")).isEqualTo(key(HostKey.IP, "http://127.0.0.1:2/")).isEqualTo("127.0.0.1");
    }
}

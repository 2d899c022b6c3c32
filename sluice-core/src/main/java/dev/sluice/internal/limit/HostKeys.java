package dev.sluice.internal.limit;

import com.google.common.net.InternetDomainName;
import dev.sluice.HostKey;
import dev.sluice.internal.input.UrlParser;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps a URL to its politeness key, as {@link HostKey} says: host and port, registrable domain (by the
 * Public Suffix List bundled with Guava), or IP address (resolved once per host name and remembered).
 *
 * <p>Used by the pipeline's admission thread only; not thread-safe. A name that cannot be resolved keys
 * by itself: its fetch then fails with the resolver's own error.
 */
public final class HostKeys {
    /** Host names whose key is remembered; an LRU, so a crawl over many hosts stays bounded. */
    private static final int REMEMBERED = 10_000;

    private final HostKey kind;
    private final Map<String, String> remembered = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    public HostKeys(HostKey kind) {
        this.kind = kind;
    }

    /** The key of a parsed URL. Under {@link HostKey#IP} this may block on a DNS lookup, once per host name. */
    public String of(UrlParser.Parsed url) {
        if (kind == HostKey.HOST) {
            return url.hostKey();
        }
        String host = url.uri().getHost().toLowerCase(java.util.Locale.ROOT);
        return remembered.computeIfAbsent(host, kind == HostKey.DOMAIN ? HostKeys::registrableDomain : HostKeys::address);
    }

    /** {@code a.b.example.co.uk} → {@code example.co.uk}; IP literals and names under no public suffix stay as they are. */
    static String registrableDomain(String host) {
        if (!InternetDomainName.isValid(host)) {
            return host; // an IP literal, or not a name Guava parses
        }
        InternetDomainName name = InternetDomainName.from(host);
        return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : host;
    }

    private static String address(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }
}

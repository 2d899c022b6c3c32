package dev.sluice.input;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Decides whether an input line is a URL Sluice can fetch: absolute, http or https, with a host. Thread-safe. */
public final class UrlParser {
    private UrlParser() {
    }

    /** A parsed URL and its host key (lower-case host and port: the unit of per-host limits). */
    public record Parsed(URI uri, String hostKey) {
    }

    /** Thrown for a line that is not a fetchable URL; the message says why. */
    public static final class InvalidUrlException extends Exception {
        InvalidUrlException(String message) {
            super(message);
        }
    }

    public static Parsed parse(String text) throws InvalidUrlException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidUrlException("not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw new InvalidUrlException("not an absolute URL (no scheme): " + text);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidUrlException("scheme '" + uri.getScheme() + "' is not http or https: " + text);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new InvalidUrlException("no host: " + text);
        }
        if (uri.getPort() > 65535) {
            throw new InvalidUrlException("port " + uri.getPort() + " is out of range: " + text);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Parsed(uri, host.toLowerCase(Locale.ROOT) + ":" + port);
    }
}

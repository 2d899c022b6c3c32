package dev.sluice.internal.input;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Decides whether an input line is a URL Sluice can fetch: at most {@value #MAX_URL_BYTES} bytes, absolute,
 * http or https, with a host. Takes URLs as people write them: a host in another script is converted to its
 * ASCII form (IDNA, {@link IDN}), and user information ({@code user:password@}) becomes an HTTP Basic
 * {@code Authorization} header, never part of what is stored or printed ({@link #masked}). Thread-safe.
 */
public final class UrlParser {
    /**
     * Longest URL accepted, in bytes of UTF-8: browsers and CDNs stop at about 8 KB, and servers answer a
     * longer request line with 414 or by closing the connection.
     */
    public static final int MAX_URL_BYTES = 8_192;

    private UrlParser() {
    }

    /**
     * A parsed URL: what to fetch (the ASCII host, no user information), its host key (lower-case host and
     * port: the unit of per-host limits), and the {@code Authorization} header its user information asks for
     * (null when it has none).
     */
    public record Parsed(URI uri, String hostKey, String authorization) {
    }

    /** Thrown for a line that is not a fetchable URL; the message says why, and never shows a password. */
    public static final class InvalidUrlException extends Exception {
        InvalidUrlException(String message) {
            super(message);
        }
    }

    /**
     * The URL as it may be stored and shown: as written, but the password of its user information replaced by
     * {@code ***} ({@code http://user:***@host/…}). It is the key of the URL's row, so a re-run of the same
     * input finds it.
     */
    public static String masked(String text) {
        if (text.indexOf('@') < 0) {
            return text; // the common case, without a split
        }
        WrittenUrl written = WrittenUrl.split(text);
        String masked = written == null ? null : written.masked();
        return masked == null ? text : masked;
    }

    /**
     * Whether {@code key} is a stored form ({@link #masked}) whose password was replaced by {@code ***}: the URL
     * cannot be fetched as its input meant without the password, which is never stored.
     */
    public static boolean passwordMasked(String key) {
        if (key.indexOf('@') < 0) {
            return false;
        }
        WrittenUrl written = WrittenUrl.split(key);
        return written != null && written.userInfo() != null && written.userInfo().endsWith(":" + WrittenUrl.MASK);
    }

    /**
     * The canonical form of a URL, as {@link dev.sluice.Request#identity} hashes it: scheme and host lower-cased,
     * the port dropped when it is the scheme's default (80, 443) or empty, the fragment dropped, an empty path made
     * {@code /}; the rest (user information, path, query) as written. Works on the text, so any string has one: a
     * text that is not a URL is its own canonical form.
     */
    public static String canonical(String text) {
        WrittenUrl w = WrittenUrl.split(text);
        if (w == null) {
            return text;
        }
        String scheme = w.prefix().substring(0, w.prefix().length() - 3).toLowerCase(Locale.ROOT);
        String rest = w.rest();
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        if (rest.startsWith(":")) { // a port
            int end = 1;
            while (end < rest.length() && "/?".indexOf(rest.charAt(end)) < 0) {
                end++;
            }
            String port = rest.substring(1, end);
            if (port.isEmpty() || port.equals(scheme.equals("https") ? "443" : scheme.equals("http") ? "80" : "")) {
                rest = rest.substring(end);
            }
        }
        int path = 0; // where the path starts: after a port that stays (found by hand: a regex is compiled per call)
        if (rest.startsWith(":")) {
            path = 1;
            while (path < rest.length() && rest.charAt(path) != '/' && rest.charAt(path) != '?') {
                path++;
            }
        }
        if (path == rest.length() || rest.charAt(path) == '?') {
            rest = rest.substring(0, path) + "/" + rest.substring(path);
        }
        return scheme + "://" + (w.userInfo() == null ? "" : w.userInfo() + "@") + w.host().toLowerCase(Locale.ROOT) + rest;
    }

    /** Whether two parsed URLs are of one origin: scheme, host and port (a default port filled in). */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    public static Parsed parse(String text) throws InvalidUrlException {
        checkLength(text);
        // Split only a URL that may have user information or a non-ASCII host: most have neither.
        WrittenUrl written = text.indexOf('@') < 0 && ascii(text) ? null : WrittenUrl.split(text);
        URI uri;
        try {
            uri = new URI(written == null ? text : toFetch(written, text));
        } catch (URISyntaxException e) {
            throw new InvalidUrlException("not a valid URL: " + e.getMessage()); // its input has no user information
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw new InvalidUrlException("not an absolute URL (no scheme): " + masked(text));
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidUrlException("scheme '" + uri.getScheme() + "' is not http or https: " + masked(text));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new InvalidUrlException("no host: " + masked(text));
        }
        if (uri.getPort() > 65535) {
            throw new InvalidUrlException("port " + uri.getPort() + " is out of range: " + masked(text));
        }
        return new Parsed(uri, host.toLowerCase(Locale.ROOT) + ":" + port(uri),
                written == null ? null : written.basicAuthorization());
    }

    /** Refused before anything else: a longer URL is never sent. */
    private static void checkLength(String text) throws InvalidUrlException {
        if (text.length() * 3L <= MAX_URL_BYTES) {
            return; // short enough whatever its characters
        }
        long bytes = utf8Length(text);
        if (bytes > MAX_URL_BYTES) {
            throw new InvalidUrlException(String.format(Locale.ROOT, "longer than the limit of %,d bytes for a URL (%,d bytes)",
                    MAX_URL_BYTES, bytes));
        }
    }

    /** Without encoding it: the line may be megabytes long. */
    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4
        }
        return bytes;
    }

    /** The text to fetch: without its user information, the host in ASCII; the text itself when it has neither. */
    private static String toFetch(WrittenUrl written, String text) throws InvalidUrlException {
        boolean asciiHost = ascii(written.host());
        if (asciiHost && written.userInfo() == null) {
            return text;
        }
        try {
            return written.withHost(asciiHost ? written.host() : IDN.toASCII(written.host()));
        } catch (IllegalArgumentException e) {
            throw new InvalidUrlException("host '" + written.host() + "' is not a valid international domain name ("
                    + e.getMessage() + "): " + masked(text));
        }
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}

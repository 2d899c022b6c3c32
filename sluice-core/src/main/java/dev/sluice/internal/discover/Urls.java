package dev.sluice.internal.discover;

import dev.sluice.internal.input.UrlParser;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * URL work of the discovery rules, on strings: resolving a reference (RFC 3986 §5.2) the forgiving way browsers
 * read hrefs, the normal form of a discovered URL, and query parameters. Thread-safe (stateless).
 *
 * <p>The normal form: an absolute http or https URL; fragment dropped; scheme and host lower-cased (a host in
 * another script in its ASCII form); a default port dropped; an empty path made {@code /}; characters a URI may
 * not hold (spaces, non-ASCII, {@code "<>\^`{|}}, a {@code %} not starting an escape) percent-encoded as UTF-8;
 * nothing else (no query reordering, no decoding of escapes, dot segments removed as resolution does).
 */
final class Urls {
    private Urls() {
    }

    /** A reference that is not a URL Sluice can fetch; {@code getMessage()} says why. No stack trace: it is common. */
    static final class BadUrl extends Exception {
        BadUrl(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@code ref} resolved against {@code base} (an absolute http(s) URI) in the normal form. */
    static String resolve(URI base, String ref) throws BadUrl {
        String s = clean(ref);
        if (s.isEmpty()) {
            throw new BadUrl("empty");
        }
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        String scheme = scheme(s);
        if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new BadUrl("scheme '" + scheme + "' is not http or https");
        }
        URI r;
        try {
            r = new URI(escape(s));
        } catch (URISyntaxException e) {
            throw new BadUrl("not a URL: " + e.getReason());
        }
        String target;
        if (scheme != null) {
            if (r.isOpaque() || r.getRawAuthority() == null) {
                throw new BadUrl("no host");
            }
            target = compose(r.getScheme(), r.getRawAuthority(), removeDotSegments(r.getRawPath()), r.getRawQuery());
        } else if (r.getRawAuthority() == null) {
            return sameAuthority(base, r); // most links: no second parse
        } else {
            target = resolve(base, r);
        }
        return normalise(target);
    }

    /** RFC 3986 §5.2.2 for a reference with neither scheme nor authority, in the normal form (the base's authority). */
    private static String sameAuthority(URI base, URI r) throws BadUrl {
        String path = r.getRawPath() == null ? "" : r.getRawPath();
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        String query;
        if (path.isEmpty()) {
            path = basePath;
            query = r.getRawQuery() != null ? r.getRawQuery() : base.getRawQuery();
        } else {
            path = removeDotSegments(path.startsWith("/") ? path : basePath.substring(0, basePath.lastIndexOf('/') + 1) + path);
            query = r.getRawQuery();
        }
        if (path.isEmpty()) {
            path = "/";
        }
        String scheme = base.getScheme().toLowerCase(Locale.ROOT);
        String host = base.getHost();
        if (host == null || host.isEmpty()) {
            throw new BadUrl("no host");
        }
        int port = base.getPort();
        boolean defaultPort = port == -1 || (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
        StringBuilder b = new StringBuilder(scheme.length() + host.length() + path.length() + 16
                + (query == null ? 0 : query.length()));
        b.append(scheme).append("://");
        if (base.getRawUserInfo() != null) {
            b.append(base.getRawUserInfo()).append('@');
        }
        b.append(host.toLowerCase(Locale.ROOT));
        if (!defaultPort) {
            b.append(':').append(port);
        }
        b.append(path);
        if (query != null) {
            b.append('?').append(query);
        }
        if (b.length() > UrlParser.MAX_URL_BYTES) {
            throw new BadUrl("longer than " + UrlParser.MAX_URL_BYTES + " bytes");
        }
        return b.toString();
    }

    /** RFC 3986 §5.2.2 for a reference without a scheme. */
    private static String resolve(URI base, URI r) {
        String path = r.getRawPath() == null ? "" : r.getRawPath();
        if (r.getRawAuthority() != null) {
            return compose(base.getScheme(), r.getRawAuthority(), removeDotSegments(path), r.getRawQuery());
        }
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        if (path.isEmpty()) {
            return compose(base.getScheme(), base.getRawAuthority(), basePath,
                    r.getRawQuery() != null ? r.getRawQuery() : base.getRawQuery());
        }
        String merged = path.startsWith("/") ? path : basePath.substring(0, basePath.lastIndexOf('/') + 1) + path;
        return compose(base.getScheme(), base.getRawAuthority(), removeDotSegments(merged), r.getRawQuery());
    }

    private static String compose(String scheme, String authority, String path, String query) {
        StringBuilder b = new StringBuilder(scheme.length() + authority.length() + path.length() + 8
                + (query == null ? 0 : query.length()));
        b.append(scheme).append("://").append(authority).append(path);
        if (query != null) {
            b.append('?').append(query);
        }
        return b.toString();
    }

    /**
     * {@code target} (absolute, no fragment, only URI characters) checked (a host, a port in range) and in the one
     * canonical form every request's URL takes ({@link UrlParser#canonical}).
     */
    private static String normalise(String target) throws BadUrl {
        URI u;
        try {
            u = new URI(target);
        } catch (URISyntaxException e) {
            throw new BadUrl("not a URL: " + e.getReason());
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new BadUrl("no host");
        }
        if (u.getPort() > 65535) {
            throw new BadUrl("port " + u.getPort() + " is out of range");
        }
        String url = UrlParser.canonical(target);
        if (url.length() > UrlParser.MAX_URL_BYTES) { // all ASCII now: chars are bytes
            throw new BadUrl("longer than " + UrlParser.MAX_URL_BYTES + " bytes");
        }
        return url;
    }

    /** As a browser reads an href: leading and trailing spaces and controls dropped, tabs and line breaks removed. */
    static String clean(String ref) {
        int start = 0;
        int end = ref.length();
        while (start < end && ref.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && ref.charAt(end - 1) <= ' ') {
            end--;
        }
        String s = ref.substring(start, end);
        if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = s.replace("\t", "").replace("\n", "").replace("\r", "");
        }
        return s;
    }

    /** The scheme of {@code s} (RFC 3986: a letter, then letters, digits, {@code + - .}, then {@code :}), or null. */
    static String scheme(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) {
            return null;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                return s.substring(0, i);
            }
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return null;
            }
        }
        return null;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * {@code s} (no fragment) with every character a URI may not hold percent-encoded as UTF-8, and a host in
     * another script in its ASCII form (IDNA).
     */
    static String escape(String s) throws BadUrl {
        int authStart = -1;
        int authEnd = -1;
        int slashes = s.indexOf("//");
        String scheme = scheme(s);
        if (slashes == 0 || (scheme != null && slashes == scheme.length() + 1)) {
            authStart = slashes + 2;
            authEnd = authStart;
            while (authEnd < s.length() && "/?\\".indexOf(s.charAt(authEnd)) < 0) {
                authEnd++;
            }
        }
        int i = 0;
        while (i < s.length() && allowed(s, i, authStart, authEnd)) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to do
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        if (authStart >= 0 && !ascii(s, authStart, authEnd)) {
            b.append(s, 0, authStart).append(asciiAuthority(s.substring(authStart, authEnd)));
            i = authEnd;
        } else {
            b.append(s, 0, i);
        }
        while (i < s.length()) {
            char c = s.charAt(i);
            if (allowed(s, i, authStart, authEnd)) {
                b.append(c);
                i++;
                continue;
            }
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (c == '\\' && i < queryStart(s)) {
                b.append('/'); // as browsers read a backslash in the path of an http(s) URL
            } else {
                for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
                }
            }
            i += n;
        }
        return b.toString();
    }

    private static int queryStart(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s.length() : q;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean ascii(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String asciiAuthority(String authority) throws BadUrl {
        int at = authority.lastIndexOf('@');
        String user = at >= 0 ? authority.substring(0, at + 1) : "";
        String hostPort = authority.substring(at + 1);
        int colon = hostPort.lastIndexOf(':');
        String host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
        String port = colon >= 0 ? hostPort.substring(colon) : "";
        try {
            return user + IDN.toASCII(host, IDN.ALLOW_UNASSIGNED) + port;
        } catch (IllegalArgumentException e) {
            throw new BadUrl("host '" + host + "' is not a valid international domain name");
        }
    }

    /** Whether the character at {@code i} may stand in a URI as it is. */
    private static boolean allowed(String s, int i, int authStart, int authEnd) {
        char c = s.charAt(i);
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        switch (c) {
            case '-', '.', '_', '~', ':', '/', '?', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
                return true;
            case '[', ']':
                return i >= authStart && i < authEnd; // an IPv6 literal
            case '%':
                return i + 2 < s.length() && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2));
            default:
                return false;
        }
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** RFC 3986 §5.2.4. */
    static String removeDotSegments(String path) {
        if (path == null || path.isEmpty()) {
            return path == null ? "" : path;
        }
        if (path.indexOf('.') < 0) {
            return path;
        }
        String in = path;
        StringBuilder out = new StringBuilder(path.length());
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../")) {
                in = in.substring(3);
                cutLastSegment(out);
            } else if (in.equals("/..")) {
                in = "/";
                cutLastSegment(out);
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', 1);
                if (next < 0) {
                    next = in.length();
                }
                out.append(in, 0, next);
                in = in.substring(next);
            }
        }
        return out.toString();
    }

    private static void cutLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }

    /** The value of query parameter {@code name} in {@code url} (the first one, percent-decoded, {@code +} a space), or null. */
    static String queryParam(String url, String name) {
        String query = rawQuery(url);
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /**
     * {@code url} with query parameter {@code name} set to {@code value}: the first occurrence replaced in place,
     * later ones removed, or the parameter appended; the other parameters kept as written, in order.
     */
    static String withQueryParam(String url, String name, String value) {
        int hash = url.indexOf('#');
        String u = hash >= 0 ? url.substring(0, hash) : url;
        int q = u.indexOf('?');
        String head = q >= 0 ? u.substring(0, q) : u;
        String query = q >= 0 ? u.substring(q + 1) : "";
        String param = encode(name) + "=" + encode(value);
        StringBuilder b = new StringBuilder(u.length() + param.length() + 2).append(head).append('?');
        boolean set = false;
        boolean first = true;
        if (!query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                boolean match = decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name);
                if (match && set) {
                    continue;
                }
                b.append(first ? "" : "&").append(match ? param : pair);
                set |= match;
                first = false;
            }
        }
        if (!set) {
            b.append(first ? "" : "&").append(param);
        }
        return b.toString();
    }

    private static String rawQuery(String url) {
        int hash = url.indexOf('#');
        int q = url.indexOf('?');
        if (q < 0 || (hash >= 0 && hash < q)) {
            return null;
        }
        return hash >= 0 ? url.substring(q + 1, hash) : url.substring(q + 1);
    }

    /** Percent-encodes all but RFC 3986's unreserved characters (a space as {@code %20}), as UTF-8. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append(c);
            } else {
                b.append('%').append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
            }
        }
        return b.toString();
    }

    /** Percent-decodes as UTF-8, {@code +} as a space; a malformed escape is kept as written. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] out = new byte[s.length() * 3];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out[n++] = ' ';
            } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2))) {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                for (byte x : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out[n++] = x;
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}

package dev.sluice.internal.input;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A URL's text split around its host as written, before any parsing: {@code scheme://}, the user
 * information (null when none), the host, and the rest (port, path, query, fragment). {@link java.net.URI}
 * cannot be asked: the URLs people write, a password with an {@code @} in it or a host in another script,
 * make it see no host at all. The split is WHATWG's: the authority ends at the first {@code /}, {@code ?}
 * or {@code #}, and the user information at the authority's last {@code @}. Immutable.
 */
record WrittenUrl(String prefix, String userInfo, String host, String rest) {
    /** What the password is shown as. */
    static final String MASK = "***";

    /** Splits {@code text}; null when it does not start with {@code scheme://}. */
    static WrittenUrl split(String text) {
        int slashes = text.indexOf("://");
        if (slashes <= 0 || !isScheme(text, slashes)) {
            return null;
        }
        int start = slashes + 3;
        int end = start;
        while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        int at = text.lastIndexOf('@', end - 1);
        int hostStart = at >= start ? at + 1 : start;
        int hostEnd;
        if (hostStart < end && text.charAt(hostStart) == '[') { // an IPv6 literal: its colons are not the port's
            int close = text.indexOf(']', hostStart);
            hostEnd = close < 0 || close >= end ? end : close + 1;
        } else {
            int colon = text.indexOf(':', hostStart);
            hostEnd = colon < 0 || colon >= end ? end : colon;
        }
        return new WrittenUrl(text.substring(0, start), at >= start ? text.substring(start, at) : null,
                text.substring(hostStart, hostEnd), text.substring(hostEnd));
    }

    private static boolean isScheme(String text, int end) {
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    /** The text with the password, whatever follows the user information's first {@code :}, replaced by {@value #MASK}. */
    String masked() {
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        return colon < 0 ? null : prefix + userInfo.substring(0, colon + 1) + MASK + "@" + host + rest;
    }

    /** The text to fetch: no user information (it goes as a header), the host as given. */
    String withHost(String asciiHost) {
        return prefix + asciiHost + rest;
    }

    /**
     * The {@code Authorization} header the user information asks for, as curl sends it: HTTP Basic with the
     * percent-decoded user and password (empty when there is no {@code :}); null when there is no user information.
     */
    String basicAuthorization() {
        if (userInfo == null || userInfo.isEmpty()) {
            return null;
        }
        int colon = userInfo.indexOf(':');
        ByteArrayOutputStream credentials = new ByteArrayOutputStream();
        percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon), credentials);
        credentials.write(':');
        percentDecode(colon < 0 ? "" : userInfo.substring(colon + 1), credentials);
        return "Basic " + Base64.getEncoder().encodeToString(credentials.toByteArray());
    }

    /** {@code %XX} as that byte, the rest as UTF-8; a {@code %} not followed by two hex digits stays as it is. */
    private static void percentDecode(String s, ByteArrayOutputStream out) {
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
                i += 3;
            } else {
                int next = s.offsetByCodePoints(i, 1);
                out.writeBytes(s.substring(i, next).getBytes(StandardCharsets.UTF_8));
                i = next;
            }
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }
}

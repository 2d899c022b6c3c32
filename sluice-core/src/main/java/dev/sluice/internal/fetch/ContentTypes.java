package dev.sluice.internal.fetch;

import java.nio.charset.Charset;
import java.util.Locale;

/**
 * What a response's Content-Type says about its body: whether it is HTML, and its charset. Shared by discovery
 * ({@code --follow-links}) and the table extractor, so both read a page the same way. Thread-safe (stateless).
 */
public final class ContentTypes {
    private ContentTypes() {
    }

    /**
     * Whether a body is HTML: Content-Type {@code text/html} or {@code application/xhtml+xml}, or no Content-Type and a
     * body whose first character, after a byte order mark and white space, is {@code <}.
     */
    public static boolean isHtml(String contentType, byte[] body) {
        if (contentType != null && !contentType.isBlank()) {
            String type = mediaType(contentType);
            return type.equals("text/html") || type.equals("application/xhtml+xml");
        }
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            i = 3;
        } else if (body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF
                || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE)) {
            // UTF-16: the first character is two bytes, '<' and a zero byte in one order or the other
            i = 2;
            while (i + 1 < body.length) {
                int c = (body[0] & 0xFF) == 0xFE ? body[i + 1] : body[i];
                int other = (body[0] & 0xFF) == 0xFE ? body[i] : body[i + 1];
                if (other != 0 || !(c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                    return other == 0 && c == '<';
                }
                i += 2;
            }
            return false;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r' || body[i] == '\f')) {
            i++;
        }
        return i < body.length && body[i] == '<';
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The charset a Content-Type names, when Java knows it; else null (the reader then detects it, or assumes UTF-8). */
    public static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String name = param.substring(eq + 1).trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.isSupported(name) ? Charset.forName(name).name() : null;
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}

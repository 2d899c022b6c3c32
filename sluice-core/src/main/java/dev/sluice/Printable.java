package dev.sluice;

/**
 * Untrusted text (a URL from the input, a detail or header from a server) made safe to print: control
 * characters are escaped, so that none reaches a terminal, and the text is cut to a readable length. What
 * is stored keeps the original; only what is printed goes through here.
 *
 * <p>Escapes: NUL as {@code \0}, ESC as {@code \e}, tab, line feed and carriage return as {@code \t},
 * {@code \n}, {@code \r}, the other C0 controls, DEL and the C1 controls as {@code \xNN}, and the Unicode
 * controls that reorder or break displayed text (bidirectional marks, embeddings, overrides and isolates;
 * the line and paragraph separators) as <code>&#92;uNNNN</code>. Other Unicode is kept. A backslash is not escaped:
 * the output is for people, not to be parsed back.
 *
 * <p>{@link #of} is lazy, for log arguments: the work is done only if the line is printed. Thread-safe
 * (immutable).
 */
public final class Printable {
    /** Most characters of one printed item, ellipsis and length note aside. */
    public static final int MAX_CHARS = 300;

    private final Object untrusted;

    private Printable(Object untrusted) {
        this.untrusted = untrusted;
    }

    /** {@code untrusted} as it may be printed: escaped, cut to {@value #MAX_CHARS} characters. */
    public static Printable of(Object untrusted) {
        return new Printable(untrusted);
    }

    /** The escaped text, cut after {@value #MAX_CHARS} characters with {@code … (N chars)}, N the original length. */
    @Override
    public String toString() {
        return render(String.valueOf(untrusted), MAX_CHARS, false);
    }

    /** Escapes a whole message, uncut (it is ours, with untrusted parts in it). */
    public static String escaped(String text) {
        return render(text, Integer.MAX_VALUE, false);
    }

    /** Escapes a block of lines, such as a stack trace, uncut, keeping its line feeds and tabs. */
    public static String escapedLines(String text) {
        return render(text, Integer.MAX_VALUE, true);
    }

    /** Whether {@code c} is printed as it is, not escaped. */
    public static boolean shownAsIs(char c) {
        return escape(c) == null;
    }

    private static String render(String text, int max, boolean keepLines) {
        if (text.length() <= max && safe(text, keepLines)) {
            return text; // the common case: nothing to do, nothing allocated
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = keepLines && (c == '\n' || c == '\t') ? null : escape(c);
            int width = escape == null ? 1 : escape.length();
            boolean splitsPair = Character.isHighSurrogate(c) && b.length() + 2 > max;
            if (b.length() + width > max || splitsPair) {
                return b.append("… (").append(String.format(java.util.Locale.ROOT, "%,d", text.length())).append(" chars)").toString();
            }
            if (escape == null) {
                b.append(c);
            } else {
                b.append(escape);
            }
        }
        return b.toString();
    }

    private static boolean safe(String text, boolean keepLines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escape(c) != null && !(keepLines && (c == '\n' || c == '\t'))) {
                return false;
            }
        }
        return true;
    }

    /** How {@code c} is printed, or null when it is printed as it is. */
    private static String escape(char c) {
        if (c >= 0x20 && c < 0x7f) {
            return null;
        }
        return switch (c) {
            case '\0' -> "\\0";
            case 0x1b -> "\\e";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format("\\x%02x", (int) c)
                    : reordersText(c) ? String.format("\\u%04x", (int) c) : null;
        };
    }

    /** The invisible controls that change how the text around them is displayed ("Trojan Source"), or break its line. */
    private static boolean reordersText(char c) {
        return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}

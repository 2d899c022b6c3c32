package dev.sluice.internal.discover;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Link} header of RFC 8288: {@code <target>; rel="next"; title="…", <target2>; rel=prev}. Several
 * links per field, comma-separated; a target may hold commas and semicolons (it ends at {@code >}); parameter
 * values are tokens or quoted strings (with {@code \} escapes, and commas or semicolons inside). Only a link's
 * first {@code rel} counts (RFC 8288 §3.3); it is a space-separated list of relation types, compared
 * case-insensitively. A malformed link is skipped up to the next comma outside quotes. Thread-safe (stateless).
 */
final class LinkHeader {
    private LinkHeader() {
    }

    /** One link: its target as written (not resolved) and its first {@code rel}, lower-cased (null when none). */
    record Link(String target, String rel) {
        boolean hasRel(String type) {
            if (rel == null) {
                return false;
            }
            for (String t : rel.trim().split("[ \\t]+")) {
                if (t.equals(type)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The links of one field value, in order. */
    static List<Link> parse(String value) {
        List<Link> links = new ArrayList<>(2);
        int i = 0;
        int n = value.length();
        while (i < n) {
            i = skip(value, i, " \t,");
            if (i >= n) {
                break;
            }
            if (value.charAt(i) != '<') {
                i = skipToComma(value, i);
                continue;
            }
            int close = value.indexOf('>', i + 1);
            if (close < 0) {
                break;
            }
            String target = value.substring(i + 1, close).trim();
            i = close + 1;
            String rel = null;
            boolean malformed = false;
            while (true) {
                i = skip(value, i, " \t");
                if (i >= n || value.charAt(i) == ',') {
                    break;
                }
                if (value.charAt(i) != ';') {
                    malformed = true;
                    i = skipToComma(value, i);
                    break;
                }
                i = skip(value, i + 1, " \t");
                int nameStart = i;
                while (i < n && " \t=;,".indexOf(value.charAt(i)) < 0) {
                    i++;
                }
                String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
                i = skip(value, i, " \t");
                String paramValue = null;
                if (i < n && value.charAt(i) == '=') {
                    i = skip(value, i + 1, " \t");
                    if (i < n && value.charAt(i) == '"') {
                        StringBuilder b = new StringBuilder();
                        i++;
                        while (i < n && value.charAt(i) != '"') {
                            if (value.charAt(i) == '\\' && i + 1 < n) {
                                i++;
                            }
                            b.append(value.charAt(i++));
                        }
                        i++; // the closing quote (or past the end)
                        paramValue = b.toString();
                    } else {
                        int start = i;
                        while (i < n && " \t;,".indexOf(value.charAt(i)) < 0) {
                            i++;
                        }
                        paramValue = value.substring(start, i);
                    }
                }
                if (name.equals("rel") && rel == null) {
                    rel = paramValue == null ? "" : paramValue.toLowerCase(Locale.ROOT);
                }
            }
            if (!malformed) {
                links.add(new Link(target, rel));
            }
        }
        return links;
    }

    /** The target of the first link of {@code fields} whose rel holds {@code next}, or null. */
    static String next(List<String> fields) {
        return first(fields, "next");
    }

    /** The target of the first link of {@code fields} whose rel holds {@code rel}, or null. */
    static String first(List<String> fields, String rel) {
        for (String field : fields) {
            for (Link l : parse(field)) {
                if (l.hasRel(rel)) {
                    return l.target();
                }
            }
        }
        return null;
    }

    private static int skip(String s, int i, String chars) {
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    /** The index of the next comma outside a quoted string and outside {@code <…>}, or the end. */
    private static int skipToComma(String s, int i) {
        boolean quoted = false;
        boolean bracketed = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (bracketed) {
                bracketed = c != '>';
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                bracketed = true;
            } else if (c == ',') {
                return i;
            }
        }
        return i;
    }
}

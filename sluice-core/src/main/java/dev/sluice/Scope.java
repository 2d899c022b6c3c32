package dev.sluice;

import java.util.Locale;

/**
 * Which links {@code --follow-links} keeps, relative to the page they were found on (its final URI, after
 * redirects). Applies to link rules only.
 */
public enum Scope {
    /** Same host and port (the URL's authority, host compared case-insensitively, a default port filled in). */
    SAME_HOST,
    /** Same registrable domain ({@code a.example.co.uk} and {@code b.example.co.uk}); IP addresses and hosts not
     *  under a public suffix ({@code localhost}) compare as hosts. Any scheme and port. */
    SAME_DOMAIN,
    /** Same scheme, host and port. */
    SAME_ORIGIN,
    /** Every http(s) link. */
    ALL;

    /** The CLI's form: {@code same-host}, {@code same-domain}, {@code same-origin} or {@code all}. */
    public static Scope parse(String text) {
        for (Scope s : values()) {
            if (s.cliName().equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("--scope '" + text + "': expected same-host, same-domain, same-origin or all");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

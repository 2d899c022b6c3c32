package dev.sluice;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What may be recorded or shown of what a user typed: a command line with its secrets masked. Masked are the values
 * of headers ({@code -H}, {@code --header}) whose names look like credentials ({@link SluiceConfig.Header#credential()}),
 * the password of any URL ({@code scheme://user:***@host}), and {@code password=}, {@code token=} and the like in
 * query strings, form bodies and JSON ({@code --data}). Stateless and thread-safe.
 */
public final class Secrets {
    static final String MASK = "***";
    /**
     * A URL's user information with a password: up to the last '@' of the word, as PostgreSQL's and curl's parsers read
     * it (a password may hold '@', '/', '?' or '#'); an '@' further on (in a path) masks a little more, never less.
     */
    private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#@:\\s]*:)\\S*@");
    /** {@code name=value}, {@code "name": "value"} where the name says secret. */
    private static final Pattern NAMED_SECRET = Pattern.compile(
            "(?i)(\"?[\\w-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|credential)[\\w-]*\"?\\s*[=:]\\s*)"
                    + "(\"(?:[^\"\\\\]|\\\\.)*\"|[^&\\s,;}\"]+)");

    private Secrets() {
    }

    /**
     * The command line {@code program args…} as one line for the record: each argument masked, and quoted as a POSIX
     * shell would need it.
     */
    public static String commandLine(String program, List<String> args) {
        StringBuilder line = new StringBuilder(program);
        boolean headerNext = false;
        for (String arg : args) {
            String shown;
            if (headerNext) {
                shown = header(arg);
                headerNext = false;
            } else if (arg.equals("-H") || arg.equals("--header")) {
                shown = arg;
                headerNext = true;
            } else if (arg.startsWith("--header=")) {
                shown = "--header=" + header(arg.substring("--header=".length()));
            } else if (arg.startsWith("-H")) {
                shown = "-H" + header(arg.substring(2));
            } else {
                shown = text(arg);
            }
            line.append(' ').append(quoted(shown));
        }
        return line.toString();
    }

    /** {@code Name: value}, its value masked when the name looks like a credential's; else {@link #text}. */
    public static String header(String header) {
        int colon = header.indexOf(':');
        String name = (colon < 0 ? header : header.substring(0, colon)).strip();
        if (SluiceConfig.Header.isCredentialName(name)) {
            return name + (colon < 0 ? "" : ": " + MASK);
        }
        return text(header);
    }

    /** {@code text} with URL passwords and named secrets ({@code password=…}, {@code "token": "…"}) masked. */
    public static String text(String text) {
        String s = URL_PASSWORD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        Matcher named = NAMED_SECRET.matcher(s);
        return named.replaceAll(m -> Matcher.quoteReplacement(m.group(1)
                + (m.group(2).startsWith("\"") ? "\"" + MASK + "\"" : MASK)));
    }

    /** Quoted for a POSIX shell when it needs to be: {@code 'it'\''s'}. */
    static String quoted(String arg) {
        if (!arg.isEmpty() && arg.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "-_./:=@,+%^".indexOf(c) >= 0))) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}

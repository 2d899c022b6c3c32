package dev.sluice.internal.extract;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The steps of a field, {@code trim}, {@code re:PATTERN}, {@code num}, {@code int}, {@code date:FORMAT}, {@code url},
 * {@code default:VALUE}: parsing one from its text, and each step's work. Stateless; every step immutable.
 */
final class Steps {
    static final String KNOWN = "trim, re:PATTERN, num, int, date:FORMAT, url, default:VALUE";
    private static final List<String> WORDS = List.of("trim", "re", "num", "int", "date", "url", "default");

    private Steps() {
    }

    /**
     * The step word {@code piece} starts with: its leading lower-case letters when they are all of it or are followed
     * by {@code :}; else null ({@code //b}, {@code b)} and {@code select(.a)} are no step).
     */
    static String word(String piece) {
        int i = 0;
        while (i < piece.length() && piece.charAt(i) >= 'a' && piece.charAt(i) <= 'z') {
            i++;
        }
        return i > 0 && (i == piece.length() || piece.charAt(i) == ':') ? piece.substring(0, i) : null;
    }

    static boolean known(String word) {
        return WORDS.contains(word);
    }

    /** The step {@code piece} writes ({@code num}, {@code re:(\d+)}); a {@link BadSpec} when it is none. */
    static Step parse(String piece) {
        String word = word(piece);
        if (word == null || !known(word)) {
            throw new BadSpec("unknown step '" + piece + "': one of " + KNOWN
                    + " (a '|' with spaces around it starts a step: write a '|' of the expression without them)");
        }
        String arg = piece.length() > word.length() ? piece.substring(word.length() + 1) : null;
        return switch (word) {
            case "trim" -> noArgument(word, arg, TRIM);
            case "num" -> noArgument(word, arg, NUM);
            case "int" -> noArgument(word, arg, INT);
            case "url" -> noArgument(word, arg, URL);
            case "re" -> re(argument(word, arg, "PATTERN"));
            case "date" -> date(argument(word, arg, "FORMAT"));
            default -> defaultValue(argument(word, arg, "VALUE"));
        };
    }

    private static Step noArgument(String word, String arg, Step step) {
        if (arg != null) {
            throw new BadSpec("step '" + word + "' takes no argument (was '" + word + ":" + arg + "')");
        }
        return step;
    }

    private static String argument(String word, String arg, String what) {
        if (arg == null || arg.isBlank()) {
            throw new BadSpec("step '" + word + "' needs its " + what + ": " + word + ":" + what);
        }
        return arg.strip();
    }

    private static final Step TRIM = (v, body) -> v instanceof String s ? Values.trim(s) : v;

    /** The first number in the text ({@link Numbers#first}), or the number itself: always a {@link BigDecimal}. */
    private static final Step NUM = (v, body) -> v == null ? null : decimal(v);

    /** As {@code num}, then a whole number: a {@link Long}. */
    private static final Step INT = (v, body) -> v == null ? null : Declared.whole(decimal(v));

    /** Resolved against the page ({@link Body#resolve}): its {@code <base href>}, else its final URI. */
    private static final Step URL = (v, body) -> {
        if (v == null) {
            return null;
        }
        String url = body.resolve(Values.text(v));
        if (url.isEmpty()) {
            throw new Failure("not a URL", v);
        }
        return url;
    };

    private static BigDecimal decimal(Object v) throws Failure {
        BigDecimal d = switch (v) {
            case BigDecimal b -> b;
            case Long l -> BigDecimal.valueOf(l);
            case Double x when Double.isFinite(x) -> BigDecimal.valueOf(x);
            case String s -> Numbers.first(s);
            default -> null;
        };
        if (d == null) {
            throw new Failure("not a number", v);
        }
        return d;
    }

    private static Step re(String pattern) {
        Pattern p;
        try {
            p = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new BadSpec("step 're:" + pattern + "': invalid regular expression: " + e.getDescription()
                    + " at index " + e.getIndex());
        }
        return (v, body) -> {
            if (v == null) {
                return null;
            }
            Matcher m = p.matcher(Values.text(v));
            if (!m.find()) {
                return null;
            }
            return m.groupCount() > 0 ? m.group(1) : m.group();
        };
    }

    /**
     * {@code date:FORMAT}: the text read with a {@link DateTimeFormatter} pattern (English month and day names, any
     * case, strictly: {@code 31 Feb} is no date), a {@link LocalDate}, or an {@link Instant} when the pattern has a time of day (in the pattern's zone or
     * offset, else UTC).
     */
    private static Step date(String pattern) {
        DateTimeFormatter f;
        try {
            // strictly: a day or a time of day that does not exist (31 Feb, 24:00) is no date, not the nearest one;
            // yyyy is the year of the era, which strict resolving reads only with an era: AD unless the text says
            f = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .parseDefaulting(ChronoField.ERA, 1).toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw new BadSpec("step 'date:" + pattern + "': invalid date format: " + e.getMessage());
        }
        String reason = "not a date as " + pattern;
        return (v, body) -> switch (v) {
            case null -> null;
            case LocalDate d -> d;
            case Instant i -> i;
            default -> {
                TemporalAccessor t;
                try {
                    t = f.parse(Values.text(v));
                } catch (DateTimeParseException e) {
                    throw new Failure(reason, v);
                }
                LocalDate day = t.query(TemporalQueries.localDate());
                if (day == null) {
                    throw new Failure(reason + ": no day in it", v);
                }
                LocalTime time = t.query(TemporalQueries.localTime());
                ZoneId zone = t.query(TemporalQueries.zone());
                yield time == null ? day : day.atTime(time).atZone(zone == null ? ZoneOffset.UTC : zone).toInstant();
            }
        };
    }

    private static Step defaultValue(String value) {
        return (v, body) -> v == null ? value : v;
    }
}

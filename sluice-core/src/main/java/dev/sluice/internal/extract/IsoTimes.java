package dev.sluice.internal.extract;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * ISO-8601 dates and timestamps in text. {@link #recognise} runs on every JSON string of an undeclared column, so it
 * rules text out by its shape, character by character, and reads what passes by hand: no regular expression, no
 * exception, no formatter on the way. Stateless.
 */
final class IsoTimes {
    private static final int NO_OFFSET = Integer.MIN_VALUE;
    private static final int[] NANOS_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private IsoTimes() {
    }

    /**
     * {@code s} as a {@link LocalDate} when it is {@code yyyy-MM-dd}, as an {@link Instant} when it is
     * {@code yyyy-MM-ddTHH:mm[:ss[.fraction]]} with {@code Z} or an offset ({@code ±HH:MM}, {@code ±HHMM},
     * {@code ±HH}); else {@code s} itself. A timestamp without an offset is not recognised: its instant is unknown.
     */
    static Object recognise(String s) {
        int n = s.length();
        if (n < 10 || n > 40 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return s; // the cheap check: nearly all text ends here
        }
        LocalDate day = date(s);
        if (day == null) {
            return s;
        }
        if (n == 10) {
            return day;
        }
        Instant t = timestamp(s, day);
        return t == null ? s : t;
    }

    /**
     * {@code s} as an instant, for a declared {@code timestamp} column: what {@link #recognise} reads, a date (its
     * start, UTC), or any ISO-8601 date-time ({@link DateTimeFormatter#ISO_DATE_TIME}: with a zone, an offset, or
     * neither, then UTC); null when it is none of those.
     */
    static Instant instant(String s) {
        Object recognised = recognise(s);
        if (recognised instanceof Instant i) {
            return i;
        }
        if (recognised instanceof LocalDate d) {
            return d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
            return t instanceof ZonedDateTime z ? z.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static LocalDate date(String s) {
        int y = digits(s, 0, 4);
        int m = digits(s, 5, 2);
        int d = digits(s, 8, 2);
        if (y < 0 || m < 1 || m > 12 || d < 1 || d > Month.of(m).length(Year.isLeap(y))) {
            return null;
        }
        return LocalDate.of(y, m, d);
    }

    private static Instant timestamp(String s, LocalDate day) {
        int n = s.length();
        char t = s.charAt(10);
        if ((t != 'T' && t != 't') || n < 17 || s.charAt(13) != ':') {
            return null;
        }
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return null;
        }
        int i = 16;
        int second = 0;
        int nanos = 0;
        if (s.charAt(i) == ':') {
            second = digits(s, i + 1, 2);
            if (second < 0 || second > 59) {
                return null;
            }
            i += 3;
            if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                int start = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
                int count = i - start;
                if (count == 0 || count > 9) {
                    return null;
                }
                nanos = digits(s, start, count) * NANOS_SCALE[count];
            }
        }
        int offset = offset(s, i);
        if (offset == NO_OFFSET) {
            return null;
        }
        return Instant.ofEpochSecond(day.toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second - offset, nanos);
    }

    /** The offset in seconds written from {@code i} to the end ({@code Z}, {@code ±HH:MM}, {@code ±HHMM}, {@code ±HH}). */
    private static int offset(String s, int i) {
        int left = s.length() - i;
        if (left == 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            return 0;
        }
        if (left < 3 || (s.charAt(i) != '+' && s.charAt(i) != '-')) {
            return NO_OFFSET;
        }
        int hours = digits(s, i + 1, 2);
        int minutes;
        if (left == 3) {
            minutes = 0;
        } else if (left == 5) {
            minutes = digits(s, i + 3, 2);
        } else if (left == 6 && s.charAt(i + 3) == ':') {
            minutes = digits(s, i + 4, 2);
        } else {
            return NO_OFFSET;
        }
        if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) {
            return NO_OFFSET;
        }
        int seconds = hours * 3_600 + minutes * 60;
        return s.charAt(i) == '-' ? -seconds : seconds;
    }

    /** The number {@code count} ASCII digits from {@code from} spell, or -1. */
    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

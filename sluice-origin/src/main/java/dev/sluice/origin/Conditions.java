package dev.sluice.origin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The conditional headers of one request, {@code If-None-Match} and {@code If-Modified-Since}, as sent
 * (repeated lines joined with ", "), and whether they make an answer "not modified". Immutable.
 *
 * <p>Evaluated as RFC 9110 section 13.2 says for GET: {@code If-None-Match} decides when present, by weak
 * comparison ({@code W/"V"} matches {@code "V"}; entity tags are compared quoted, as sent; {@code *}
 * matches any answer); otherwise {@code If-Modified-Since}, when it is an HTTP date not earlier than
 * {@code Last-Modified}. An {@code If-Modified-Since} that is not an RFC 1123 date is ignored.
 *
 * @param ifNoneMatch     the {@code If-None-Match} value, or null when not sent
 * @param ifModifiedSince the {@code If-Modified-Since} value, or null when not sent
 */
record Conditions(String ifNoneMatch, String ifModifiedSince) {
    static final Conditions NONE = new Conditions(null, null);

    /** IMF-fixdate (RFC 9110 section 5.6.7): English names and a two-digit day, in GMT. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** Shares {@link #NONE} for the many requests that send neither header. */
    static Conditions of(String ifNoneMatch, String ifModifiedSince) {
        return ifNoneMatch == null && ifModifiedSince == null ? NONE : new Conditions(ifNoneMatch, ifModifiedSince);
    }

    static String httpDate(Instant time) {
        return HTTP_DATE.format(time);
    }

    /**
     * Whether an answer carrying these validators is "not modified" for this request; call it only for an
     * answer that carries at least one.
     *
     * @param etag         the entity tag, unquoted, or null
     * @param lastModified the {@code Last-Modified} time, whole seconds, or null
     */
    boolean notModified(String etag, Instant lastModified) {
        if (ifNoneMatch != null) {
            String quoted = etag == null ? null : "\"" + etag + "\"";
            return Arrays.stream(ifNoneMatch.split(","))
                    .map(String::strip)
                    .anyMatch(tag -> tag.equals("*") || opaque(tag).equals(quoted));
        }
        if (ifModifiedSince == null || lastModified == null) {
            return false;
        }
        try {
            Instant since = DateTimeFormatter.RFC_1123_DATE_TIME.parse(ifModifiedSince, Instant::from);
            return !since.isBefore(lastModified);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The value of one of the two headers, named case-insensitively, empty when not sent.
     *
     * @throws IllegalArgumentException for any other name: no other header is recorded
     */
    Optional<String> header(String name) {
        if (name.equalsIgnoreCase("If-None-Match")) {
            return Optional.ofNullable(ifNoneMatch);
        }
        if (name.equalsIgnoreCase("If-Modified-Since")) {
            return Optional.ofNullable(ifModifiedSince);
        }
        throw new IllegalArgumentException("only If-None-Match and If-Modified-Since are recorded: " + name);
    }

    /** The tag without its weakness indicator: weak comparison ignores it. */
    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}

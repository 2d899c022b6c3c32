package dev.sluice;

/**
 * What a stored copy of a URL's body was validated by, for a conditional refetch (RFC 9110 §13.1): the
 * server answers 304 Not Modified instead of the body when neither has changed. Immutable.
 *
 * <p>Both are raw header values as the response carried them. They are sent only on the first
 * request of an attempt, never on a redirect hop: they describe one resource, and a redirect may lead to
 * another whose own validators happen to match (an older Last-Modified is enough), and a 304 from it would
 * keep the wrong body. So a URL that redirects is always fetched in full.
 *
 * @param etag         the ETag to send as {@code If-None-Match}, or null
 * @param lastModified the Last-Modified date to send as {@code If-Modified-Since}, or null
 */
public record Validators(String etag, String lastModified) {
    /** No validators: an unconditional request. */
    public static final Validators NONE = new Validators(null, null);

    /** Whether a request sent with these is conditional. */
    public boolean conditional() {
        return etag != null || lastModified != null;
    }
}

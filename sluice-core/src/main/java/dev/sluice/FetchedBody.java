package dev.sluice;

import java.net.URI;

/**
 * A successful response, as handed to a {@link Processor} on a CPU-pool thread.
 *
 * @param url         the URL as given in the input, its password masked ({@link dev.sluice.internal.input.UrlParser#masked})
 * @param finalUri    the URI the body came from, after redirects (ASCII host, no user information)
 * @param httpStatus  the 2xx status
 * @param contentType the Content-Type header, or null
 * @param body        the whole body (never null; may be empty). Do not modify.
 * @param headers     the response's headers
 */
public record FetchedBody(String url, URI finalUri, int httpStatus, String contentType, byte[] body, Headers headers) {

    /** A body whose headers are not known beyond its Content-Type. */
    public FetchedBody(String url, URI finalUri, int httpStatus, String contentType, byte[] body) {
        this(url, finalUri, httpStatus, contentType, body, Headers.NONE);
    }
}

package dev.sluice.internal.fetch;

/**
 * Aborts a response whose head passes one of the bounds every response is held to, naming the bound, or that
 * Jetty cannot read on from. The bounds are here, in one place: Jetty's parser holds the bytes
 * ({@link JettyClients}), {@link InterimResponses} the interim responses Jetty handles, {@link BodyCollector}
 * the fields and the interim responses it does not.
 */
final class ResponseHeadException extends Exception {
    /** Most bytes of one response's status line and header fields together (for HTTP/2, once HPACK-decoded). */
    static final int MAX_BYTES = 64 << 10;
    /** Most header fields of one response. */
    static final int MAX_FIELDS = 100;
    /** Most interim (1xx) responses before the final one, as Go's net/http: a server could send them without end. */
    static final int MAX_INTERIM = 5;

    /** The detail of a head past {@link #MAX_BYTES}: Jetty's parser fails it, with a message naming no bound. */
    static final String BYTES = "response status line and headers exceed " + (MAX_BYTES >> 10) + " KiB";

    private ResponseHeadException(String message) {
        super(message);
    }

    static ResponseHeadException fields() {
        return new ResponseHeadException("more than " + MAX_FIELDS + " response header fields");
    }

    static ResponseHeadException interim() {
        return new ResponseHeadException("more than " + MAX_INTERIM + " interim (1xx) responses");
    }

    /** An interim response no Jetty handler takes (a second 100 Continue, a 104): Jetty would wait on it for ever. */
    static ResponseHeadException unexpectedInterim(int status) {
        return new ResponseHeadException("unexpected interim response " + status);
    }
}

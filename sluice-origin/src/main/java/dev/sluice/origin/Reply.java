package dev.sluice.origin;

import java.util.Map;

/**
 * An answer decided but not yet sent. Immutable by convention: the body array is never modified.
 *
 * @param headers response headers besides the framing ones, which the handler derives from {@code framing}
 */
record Reply(int status, Map<String, String> headers, byte[] body, Framing framing) {
    /** How the body goes on the wire. */
    enum Framing {
        /** {@code Content-Length} and the whole body. */
        FIXED,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** {@code Content-Length: 1000}, at most 10 bytes, then the connection is dropped. */
        TRUNCATED
    }

    Reply {
        headers = Map.copyOf(headers);
    }

    /** A JSON error answer that depends on no request. */
    static Reply error(int status) {
        return new Reply(status, Map.of("Content-Type", "application/json"), Bodies.error(status), Framing.FIXED);
    }

    static Reply badRequest(String message) {
        return new Reply(400, Map.of("Content-Type", "application/json"), Bodies.error(400, message), Framing.FIXED);
    }
}

package dev.sluice.origin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One request an origin received, as it came: when, its method, its {@code Content-Type} and its body
 * (empty when it had none). Immutable by convention: the body array is never modified.
 *
 * @param contentType the request's {@code Content-Type} header, or null when it sent none
 */
public record Received(Instant at, String method, String contentType, byte[] body) {
    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}

package dev.sluice.origin;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a test switches for the whole origin at once, rather than per request: overload and the answer
 * to {@code /robots.txt}.
 *
 * <p>Thread-safe: each setting is one volatile field, read once per request, so that a request sees a
 * setting as it was either before or after a change.
 */
final class Switches {
    /** The status every request is answered with, or 0 when the origin is not overloaded. */
    private volatile int overload;
    /** The answer to every request for {@code /robots.txt}: none until a test sets one. */
    private volatile Reply robots = new Reply(404, Map.of(), new byte[0], Reply.Framing.FIXED);

    int overload() {
        return overload;
    }

    void overload(int status) {
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("overload status must be 400..599, or 0 for off: " + status);
        }
        overload = status;
    }

    Reply robots() {
        return robots;
    }

    void robots(String text) {
        byte[] body = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
        robots = new Reply(200, Map.of("Content-Type", "text/plain; charset=utf-8"), body, Reply.Framing.FIXED);
    }

    void robotsStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("robots status must be 200..599: " + status);
        }
        robots = new Reply(status, Map.of(), new byte[0], Reply.Framing.FIXED);
    }
}

package dev.sluice;

import java.util.Locale;

/**
 * Why a URL failed. The lower-case {@link #code()} is what the {@code results.error} column holds;
 * it is a public interface, documented in the README.
 */
public enum ErrorKind {
    /** The input line is not an absolute http(s) URL. Never fetched. */
    INVALID_URL,
    /** An attempt did not finish (connect, headers and whole body) within the timeout. */
    TIMEOUT,
    /** The connection could not be made: refused, unreachable, unknown host, TLS handshake. */
    CONNECT,
    /** The connection broke: reset, truncated body, malformed response. */
    IO,
    /** The server answered with a status that is not a success (see {@code http_status}). */
    HTTP,
    /** The body is larger than the configured maximum. */
    TOO_LARGE,
    /** Too many redirects, or a redirect to a scheme other than http(s). */
    REDIRECTS,
    /** The body was fetched but could not be processed (e.g. not JSON for a jq expression). */
    PROCESS,
    /** Not sent: the host's breaker is open after requests in a row could not reach it. */
    HOST_DOWN,
    /** Not sent: the host's robots.txt disallows it (with {@code --respect-robots}), or could not be read. */
    ROBOTS;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}

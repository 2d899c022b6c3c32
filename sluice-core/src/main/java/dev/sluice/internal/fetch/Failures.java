package dev.sluice.internal.fetch;

import dev.sluice.ErrorKind;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.RetryableRequestException;
import org.eclipse.jetty.http.HttpException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Turns what went wrong in an attempt into a typed, classified {@link Attempt.Failure}. The one
 * place that decides what is transient (worth retrying) and what is final. Thread-safe.
 */
final class Failures {
    /** Statuses worth another attempt: the server or something in front of it is busy or broken for now. */
    static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 425, 429, 500, 502, 503, 504);
    /**
     * The reason Jetty's HTTP/1.1 parser gives when a response passes its header bound (ours, MAX_BYTES; the status
     * line, trailers and chunk extensions count too). Its status code is the response's own, so only this says it.
     */
    private static final String PARSER_HEAD_TOO_LARGE = "Response Header Bytes Too Large";

    private Failures() {
    }

    static Attempt.Failure timeout(long timeoutMillis) {
        return Attempt.Failure.of(ErrorKind.TIMEOUT, "no complete response within " + timeoutMillis + "ms", true);
    }

    /** Classifies an exception from the HTTP client, looking through its causes. */
    static Attempt.Failure classify(Throwable failure, long timeoutMillis) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return Attempt.Failure.of(ErrorKind.TOO_LARGE, t.getMessage(), false);
            }
            if (t instanceof ResponseHeadException) {
                return Attempt.Failure.of(ErrorKind.IO, t.getMessage(), false); // the same server would send the same
            }
            if (t instanceof BodyDecodingException) {
                return Attempt.Failure.of(ErrorKind.IO, t.getMessage(), false); // the same bytes would come again
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return timeout(timeoutMillis);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return Attempt.Failure.of(ErrorKind.CONNECT, "unknown host" + suffix(t), true);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return Attempt.Failure.of(ErrorKind.CONNECT, "cannot connect" + suffix(t), true);
            }
            if (t instanceof SSLException) {
                return Attempt.Failure.of(ErrorKind.CONNECT, "TLS failed" + suffix(t), false);
            }
            if (t instanceof RetryableRequestException) { // HTTP/2: refused, or the connection closed before it was read
                return Attempt.Failure.of(ErrorKind.IO, "the server did not process the request" + suffix(t), true);
            }
            if (t instanceof HttpResponseException && t.getCause() instanceof HttpException parser
                    && PARSER_HEAD_TOO_LARGE.equals(parser.getReason())) {
                return Attempt.Failure.of(ErrorKind.IO, ResponseHeadException.BYTES, false);
            }
            if (t instanceof HttpResponseException) {
                return Attempt.Failure.of(ErrorKind.IO, "bad response" + suffix(t), false);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.EOFException) {
                return Attempt.Failure.of(ErrorKind.IO, "connection closed before the response was complete", true);
            }
            if (t instanceof IOException) {
                return Attempt.Failure.of(ErrorKind.IO, "connection broke" + suffix(t), true);
            }
        }
        return Attempt.Failure.of(ErrorKind.IO, failure.getClass().getSimpleName() + suffix(failure), false);
    }

    /** A non-2xx final status. */
    static Attempt.Failure status(int status, String reason, java.time.Duration retryAfter) {
        String detail = "HTTP " + status + (reason == null || reason.isBlank() ? "" : " " + reason);
        return new Attempt.Failure(ErrorKind.HTTP, detail, status, RETRYABLE_STATUSES.contains(status), retryAfter);
    }

    /** ": message", or the exception's name when the message is missing or an internal dump (Jetty's can be kilobytes). */
    private static String suffix(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank() || m.length() > 200) {
            return " (" + t.getClass().getSimpleName() + ")";
        }
        return ": " + m;
    }
}

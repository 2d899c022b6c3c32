package dev.sluice.internal.fetch;

import dev.sluice.ErrorKind;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.RetryableRequestException;
import org.eclipse.jetty.http.HttpMethod;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kept-alive connections the server closed without saying so: a short keep-alive timeout, common behind load
 * balancers, closes an idle connection just as a request is sent on it. The request dies before any byte of its
 * answer comes: the server, closing what it took for an idle connection, never read it. Such a request (GET) is
 * safe to send again, on a connection of its own, as browsers and OkHttp do (its
 * {@code RetryAndFollowUpInterceptor}). {@link HttpFetcher} does so once per attempt, without counting an
 * attempt; a failure on the new connection is a failure like any other.
 *
 * <p>An HTTP/1.1 connection is judged by the bytes it brought in: it was reused when it had brought some before
 * the request began, and no byte of the answer came when the count did not move. Over HTTP/2 the server says so
 * itself: a closing server's GOAWAY names the streams it never processed, and Jetty fails their requests with
 * {@link RetryableRequestException} (a request sent on the connection as it closed, say).
 *
 * <p>Threading: the begin listener runs on whichever thread sends the request, before the response; the fetch
 * thread reads what it noted after the response failed, through the exchange's completion.
 */
final class StaleConnections {
    /** The bytes the request's connection had brought in when the request began. */
    private static final String BYTES_IN_BEFORE = StaleConnections.class.getName() + ".bytesIn";
    private static final Request.BeginListener NOTE_BYTES_IN = request -> {
        if (request.getConnection() instanceof org.eclipse.jetty.io.Connection http11) {
            request.attribute(BYTES_IN_BEFORE, http11.getBytesIn());
        }
    };

    private StaleConnections() {
    }

    /** Notes, as {@code request} begins, what its connection had received before it. Call before sending it. */
    static void watch(Request request) {
        request.onRequestBegin(NOTE_BYTES_IN);
    }

    /**
     * Whether {@code request} failed with {@code failure} without the server having read it, so that sending it again
     * cannot do anything twice: it never left over HTTP/2 ({@link #neverProcessed}), whatever its method; or, safe to
     * send again (GET, HEAD), its connection, a reused one, broke before any byte of the answer came (it was watched).
     */
    static boolean diedUnanswered(Request request, Throwable failure) {
        if (neverProcessed(failure)) {
            return true;
        }
        HttpMethod method = HttpMethod.fromString(request.getMethod());
        if (method == null || !method.isSafe()) { // null: a method Jetty does not know (PURGE), so not known safe
            return false;
        }
        if (!(request.getAttributes().get(BYTES_IN_BEFORE) instanceof Long before) || before == 0
                || !(request.getConnection() instanceof org.eclipse.jetty.io.Connection http11)
                || http11.getBytesIn() != before) {
            return false;
        }
        Attempt.Failure f = Failures.classify(failure, 0);
        return f.kind() == ErrorKind.IO && f.retryable(); // the connection broke: not a timeout, a bad response, an abort
    }

    /**
     * Whether an HTTP/2 request failed before the server processed it: a closing server's GOAWAY named its stream
     * as unprocessed (Jetty's {@link RetryableRequestException}), or the session had closed before the request
     * could open a stream there (Jetty's {@code HTTP2Session} refuses the stream slot with "session closed": nothing
     * was sent; seen when the pool hands out a connection that a connection error is closing).
     */
    private static boolean neverProcessed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryableRequestException || t instanceof IllegalStateException
                    && "session closed".equals(t.getMessage()) && thrownBy(t, "org.eclipse.jetty.http2.HTTP2Session")) {
                return true;
            }
        }
        return false;
    }

    private static boolean thrownBy(Throwable t, String classPrefix) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith(classPrefix);
    }

    /**
     * Sends {@code request} on a new connection of its own, never one from the pool, closed when the exchange ends.
     * Blocks while connecting, up to {@code deadline} (a {@link System#nanoTime()}), which then bounds the exchange.
     *
     * @throws ExecutionException when the connection cannot be made in time (its cause says why)
     */
    static void sendOnNewConnection(HttpClient client, Request request, Response.CompleteListener listener, long deadline)
            throws InterruptedException, ExecutionException {
        CompletableFuture<Connection> opening = client.resolveDestination(request).newConnection();
        Connection connection;
        try {
            connection = opening.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            opening.thenAccept(Connection::close); // if it is made after all
            throw new ExecutionException(late);
        } catch (InterruptedException e) {
            opening.thenAccept(Connection::close);
            throw e;
        }
        request.timeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
        request.onComplete(result -> connection.close());
        connection.send(request, listener);
    }
}

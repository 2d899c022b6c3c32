package dev.sluice.internal.fetch;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Receives one response for the fetch thread waiting on {@link #done()}. A body sent as is, it collects
 * into memory, aborting the response as soon as the body would exceed {@code maxBytes}: by Content-Length
 * when declared, else while bytes arrive. Before that it aborts a head with too many fields, and an interim
 * (1xx) response Jetty would wait on for ever ({@link ResponseHeadException}). A 2xx body with a Content-Encoding
 * it does not read at all: it hands the arriving content to the fetch thread ({@link Encoded}), which decodes it with
 * {@link BodyDecoder}, because decoding is CPU work of unbounded length. (Non-2xx bodies are never
 * decoded: nobody reads them.)
 *
 * <p>Never blocks: the HTTP client is told so (invocation type NON_BLOCKING) and runs it on its selector
 * thread. Keep it that way: copying bytes, aborting, completing a future.
 *
 * <p>Threading: Jetty calls the listener methods one at a time, in order, from its I/O threads, with
 * happens-before between successive calls, so the fields need no lock. The waiting fetch thread sees
 * the response through {@link #done()}, whose completion is the hand-off edge.
 */
final class BodyCollector implements Response.Listener {
    private static final byte[] EMPTY = new byte[0];
    private static final int PREALLOCATE_MAX = 64 << 10;

    /** What the fetch thread gets: a whole body, or one still arriving, encoded. */
    sealed interface Received {
        Response response();
    }

    /** The response and its whole body, as sent. */
    record Collected(Response response, byte[] body) implements Received {
    }

    /**
     * A 2xx response whose body is encoded; the fetch thread reads {@code content} as it arrives.
     *
     * @param contentEncoding the header, for messages
     * @param codings         what it names, in the order the server applied them (never empty)
     */
    record Encoded(Response response, String contentEncoding, List<ContentCoding> codings, Content.Source content)
            implements Received {
    }

    private final long maxBytes;
    private final CompletableFuture<Received> done = new CompletableFuture<>();
    /** Counted down when the exchange has ended, whatever its outcome, after Jetty has taken its connection back. */
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Empty unless the body is a 2xx one with a Content-Encoding. */
    private List<ContentCoding> codings = List.of();
    private byte[] buffer = EMPTY;
    private int size;
    /** The Content-Length of a body sent as is, or -1: the buffer grows to it and no further, so it is never copied to trim. */
    private long declared = -1;
    /** The header fields of the response so far. */
    private int fields;

    BodyCollector(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    CompletableFuture<Received> done() {
        return done;
    }

    /**
     * Waits until the exchange has ended. After an {@link Encoded} hand-over, {@link #done()} does not
     * say: the fetch thread that has read the body waits here, so that the connection is back in the
     * pool (HTTP/1.1) before its next request to the host.
     */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /** Only an interim response no Jetty handler took comes here as one: failed now, or Jetty would wait for ever. */
    @Override
    public void onBegin(Response response) {
        if (HttpStatus.isInterim(response.getStatus())) {
            response.abort(ResponseHeadException.unexpectedInterim(response.getStatus()));
        }
    }

    /** Jetty bounds the bytes of a head ({@link JettyClients}), not how many fields it has: counted here. */
    @Override
    public boolean onHeader(Response response, HttpField field) {
        if (++fields > ResponseHeadException.MAX_FIELDS) {
            response.abort(ResponseHeadException.fields());
            return false;
        }
        return true;
    }

    @Override
    public void onHeaders(Response response) {
        String contentEncoding = response.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (contentEncoding != null && response.getStatus() / 100 == 2) {
            try {
                codings = ContentCoding.parse(contentEncoding);
            } catch (BodyDecodingException unknown) {
                response.abort(unknown);
                return;
            }
        }
        if (!codings.isEmpty()) {
            return; // the limit is on the decoded size: Content-Length says nothing about it
        }
        long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > maxBytes) {
            response.abort(BodyTooLargeException.declared(maxBytes, declared));
        } else if (declared > 0 && contentEncoding == null) {
            // Sized up front only up to 64 KiB: a declared length is a promise, not bytes in hand, and many
            // slow responses declaring 16 MiB each must not reserve it all before anything arrives.
            buffer = new byte[(int) Math.min(declared, PREALLOCATE_MAX)];
            this.declared = declared;
        }
    }

    @Override
    public void onContentSource(Response response, Content.Source content) {
        if (codings.isEmpty()) {
            Response.Listener.super.onContentSource(response, content); // reads chunks into onContent
        } else {
            done.complete(new Encoded(response, response.getHeaders().get(HttpHeader.CONTENT_ENCODING), codings, content));
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        int n = content.remaining();
        if (size + (long) n > maxBytes) {
            response.abort(BodyTooLargeException.arrived(maxBytes));
            return;
        }
        if (size + n > buffer.length) {
            long grown = Math.min(maxBytes, Math.max(size + (long) n, 2L * buffer.length + 4096));
            if (size + (long) n <= declared) {
                grown = Math.min(grown, declared); // the last growth is to the exact size: no copy to trim at the end
            }
            buffer = Arrays.copyOf(buffer, (int) grown);
        }
        content.get(buffer, size, n);
        size += n;
    }

    /** Ends the exchange; after an {@link Encoded} hand-over this changes nothing (its reader sees any failure). */
    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            done.completeExceptionally(result.getFailure());
        } else {
            done.complete(new Collected(result.getResponse(), size == buffer.length ? buffer : Arrays.copyOf(buffer, size)));
        }
        ended.countDown();
    }
}

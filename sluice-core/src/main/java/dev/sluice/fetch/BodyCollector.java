package dev.sluice.fetch;

import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Collects one response's (decoded) body into memory, aborting it as soon as it would exceed
 * {@code maxBytes}: by Content-Length when declared, else while bytes arrive.
 *
 * <p>Never blocks: the HTTP client is told so (invocation type NON_BLOCKING) and runs it on its selector
 * thread. Keep it that way: copying bytes, aborting, completing a future.
 *
 * <p>Threading: Jetty calls the listener methods one at a time, in order, from its I/O threads, with
 * happens-before between successive calls, so the buffer fields need no lock. The waiting fetch
 * thread sees the body through {@link #done()}, whose completion is the hand-off edge.
 */
final class BodyCollector implements Response.Listener {
    private static final byte[] EMPTY = new byte[0];
    private static final int PREALLOCATE_MAX = 64 << 10;

    /** The response and its whole body. */
    record Collected(Response response, byte[] body) {
    }

    private final long maxBytes;
    private final CompletableFuture<Collected> done = new CompletableFuture<>();
    private byte[] buffer = EMPTY;
    private int size;

    BodyCollector(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    CompletableFuture<Collected> done() {
        return done;
    }

    @Override
    public void onHeaders(Response response) {
        long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > maxBytes) {
            response.abort(new BodyTooLargeException(maxBytes, declared));
        } else if (declared > 0 && response.getHeaders().get(HttpHeader.CONTENT_ENCODING) == null) {
            // Sized up front only up to 64 KiB: a declared length is a promise, not bytes in hand, and many
            // slow responses declaring 16 MiB each must not reserve it all before anything arrives.
            buffer = new byte[(int) Math.min(declared, PREALLOCATE_MAX)];
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        int n = content.remaining();
        if (size + (long) n > maxBytes) {
            response.abort(new BodyTooLargeException(maxBytes, -1));
            return;
        }
        if (size + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, Math.max(size + (long) n, 2L * buffer.length + 4096)));
        }
        content.get(buffer, size, n);
        size += n;
    }

    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            done.completeExceptionally(result.getFailure());
        } else {
            done.complete(new Collected(result.getResponse(), size == buffer.length ? buffer : Arrays.copyOf(buffer, size)));
        }
    }
}

package dev.sluice.internal.fetch;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Reads an encoded 2xx body as it arrives and decodes it, stopping as soon as the decoded bytes would
 * exceed the maximum: a small body that inflates without end (a decompression bomb) costs at most the
 * maximum in memory and the little input it takes to get there, never its decoded size.
 *
 * <p>Runs on the fetch thread (virtual), not in Jetty's listener on the selector thread: decoding is CPU
 * work as long as the body is large, and the br decoder pulls its input from a blocking stream. Jetty's
 * content source reads more from the network only when asked (demand), so what is held is one network
 * chunk, the decoder's window (gzip and deflate 32 KiB, br up to 16 MiB) and the decoded bytes.
 * Thread-safe (stateless); each call owns its response's content.
 */
final class BodyDecoder {
    /**
     * Bytes after the end of the coded data that are read and dropped, so that the connection can carry
     * the next exchange. A response with more is cut short instead (its body is complete anyway).
     */
    private static final int TRAILING_MAX = 64 << 10;

    private BodyDecoder() {
    }

    /**
     * The decoded body of {@code encoded}; blocks while it arrives.
     *
     * @throws ExecutionException   as the exchange's future would: with the exchange's own failure
     *                              (timeout, broken connection), a {@link BodyTooLargeException}, or a
     *                              {@link BodyDecodingException} for data not in the coding named
     * @throws InterruptedException when the calling thread is interrupted; the caller aborts the request
     */
    static BodyCollector.Collected read(BodyCollector.Encoded encoded, long maxBytes)
            throws ExecutionException, InterruptedException {
        try (PushbackInputStream raw = new PushbackInputStream(new Arriving(encoded.content()))) {
            int first = raw.read();
            if (first < 0) {
                return new BodyCollector.Collected(encoded.response(), new byte[0]); // e.g. a 204 that names a coding
            }
            raw.unread(first);
            byte[] body;
            try (InputStream decoded = ContentCoding.decoding(encoded.codings(), raw)) {
                body = decoded.readNBytes(Math.toIntExact(maxBytes + 1)); // never more: maxBytes < 2 GiB
                if (body.length > maxBytes) {
                    throw new ExecutionException(BodyTooLargeException.decoded(maxBytes, encoded.contentEncoding()));
                }
                raw.skip(TRAILING_MAX);
            }
            return new BodyCollector.Collected(encoded.response(), body);
        } catch (IOException | RuntimeException e) {
            throw new ExecutionException(classified(e, encoded.contentEncoding()));
        }
    }

    /** The exchange's own failure when that is what {@code e} comes from, else the data's fault. */
    private static Throwable classified(Exception e, String contentEncoding) throws InterruptedException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                throw new InterruptedException("interrupted while reading the body");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExchangeFailure failure) {
                return failure.getCause();
            }
        }
        return new BodyDecodingException("cannot decode the body (Content-Encoding " + contentEncoding + "): "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    /**
     * The encoded bytes as Jetty's content source delivers them: a read waits (on the fetch thread) until
     * the source has more, and the source reads more from the network only when asked (demand), once
     * the chunk in hand is used up. What the exchange fails with (timeout, reset, abort) and an interrupt
     * come out as an {@link ExchangeFailure}: decoders pass it on (br wraps it), and it is never taken
     * for data in the wrong coding. Used by the fetch thread only.
     */
    private static final class Arriving extends InputStream {
        private final Content.Source source;
        private final byte[] one = new byte[1];
        /** The chunk being read; null when none is in hand. */
        private Content.Chunk chunk;

        Arriving(Content.Source source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (chunk == null) {
                    chunk = next();
                }
                if (Content.Chunk.isFailure(chunk)) {
                    throw new ExchangeFailure(chunk.getFailure());
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (bytes.hasRemaining()) {
                    int n = Math.min(len, bytes.remaining());
                    bytes.get(b, off, n);
                    return n;
                }
                if (chunk.isLast()) {
                    return -1;
                }
                chunk.release();
                chunk = null;
            }
        }

        /** The next chunk, waiting until the source has one. */
        private Content.Chunk next() throws ExchangeFailure {
            for (Content.Chunk next = source.read(); ; next = source.read()) {
                if (next != null) {
                    return next;
                }
                CompletableFuture<Void> more = new CompletableFuture<>();
                // Run by Jetty on its selector thread: it only wakes this one.
                source.demand(Invocable.from(Invocable.InvocationType.NON_BLOCKING, () -> more.complete(null)));
                try {
                    more.get();
                } catch (InterruptedException e) {
                    throw new ExchangeFailure(e);
                } catch (ExecutionException never) {
                    throw new IllegalStateException("completed normally only", never);
                }
            }
        }

        /** Releases the chunk in hand; before the end of the body, gives up the rest (the exchange ends). */
        @Override
        public void close() {
            boolean atEnd = chunk != null && chunk.isLast() && !chunk.hasRemaining();
            if (chunk != null) {
                chunk.release();
            }
            if (!atEnd) {
                source.fail(new IOException("the rest of the body was not wanted"));
            }
            chunk = Content.Chunk.EOF;
        }
    }

    /** Marks what the exchange failed with on its way through a decoder. */
    private static final class ExchangeFailure extends IOException {
        ExchangeFailure(Throwable cause) {
            super(cause);
        }
    }
}

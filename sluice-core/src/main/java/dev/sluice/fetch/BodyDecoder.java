package dev.sluice.fetch;

import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
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
        try (PushbackInputStream raw = new PushbackInputStream(new Arriving(Content.Source.asInputStream(encoded.content())))) {
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
     * The encoded bytes as they arrive. Whatever reading them throws is the exchange's failure (timeout,
     * reset, abort), and comes out as an {@link ExchangeFailure}: decoders pass it on (br wraps it), and it
     * is never taken for data in the wrong coding.
     */
    private static final class Arriving extends InputStream {
        private final InputStream in;

        Arriving(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                throw new ExchangeFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw new ExchangeFailure(e);
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        /** At the end of the response, nothing; before it, the rest of the response is given up. */
        @Override
        public void close() throws IOException {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                throw new ExchangeFailure(e);
            }
        }
    }

    /** Marks what the exchange failed with on its way through a decoder. */
    private static final class ExchangeFailure extends IOException {
        ExchangeFailure(Throwable cause) {
            super(cause);
        }
    }
}

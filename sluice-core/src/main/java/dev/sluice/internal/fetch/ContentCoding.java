package dev.sluice.internal.fetch;

import org.brotli.dec.BrotliInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The content codings Sluice asks for ({@link dev.sluice.SluiceConfig#DEFAULT_ACCEPT_ENCODING}) and
 * decodes (RFC 9110 §8.4.1). Each one wraps the encoded bytes in a stream that decodes only as far as it
 * is read, so a reader that stops at a limit stops the decoding there too. Pure Java, no native code.
 *
 * <p>A Content-Encoding naming anything else fails the attempt (kind {@code io}, not retried) rather than
 * passing the encoded bytes through: a stored body, its sha256 and a processor's input are always the
 * decoded body. Thread-safe (stateless).
 */
enum ContentCoding {
    GZIP {
        @Override
        InputStream decoder(InputStream encoded) throws IOException {
            return new GZIPInputStream(encoded, BUFFER);
        }
    },
    /**
     * zlib data (RFC 1950), as the RFC means by "deflate"; raw deflate data (RFC 1951), as some servers
     * send instead, is told apart by the zlib header's first two bytes, as browsers do.
     */
    DEFLATE {
        @Override
        InputStream decoder(InputStream encoded) throws IOException {
            PushbackInputStream in = new PushbackInputStream(encoded, 2);
            byte[] head = in.readNBytes(2);
            in.unread(head);
            return inflating(in, /* nowrap= */ !isZlibHeader(head));
        }
    },
    BR {
        @Override
        InputStream decoder(InputStream encoded) throws IOException {
            return new BrotliInputStream(encoded);
        }
    };

    private static final int BUFFER = 8192;

    /** A stream of the decoded bytes of {@code encoded}; reads {@code encoded} only as far as needed. */
    abstract InputStream decoder(InputStream encoded) throws IOException;

    /** The token in Content-Encoding and Accept-Encoding headers. */
    String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The codings a Content-Encoding header lists, in the order the server applied them; empty when it
     * lists none but {@code identity}.
     *
     * @throws BodyDecodingException when it names a coding Sluice does not decode
     */
    static List<ContentCoding> parse(String contentEncoding) throws BodyDecodingException {
        List<ContentCoding> codings = new ArrayList<>(1);
        for (String token : contentEncoding.split(",")) {
            switch (token.strip().toLowerCase(Locale.ROOT)) {
                case "", "identity" -> { }
                case "gzip", "x-gzip" -> codings.add(GZIP);
                case "deflate" -> codings.add(DEFLATE);
                case "br" -> codings.add(BR);
                default -> throw new BodyDecodingException("Content-Encoding '" + contentEncoding
                        + "' is not one Sluice decodes (gzip, deflate, br)", null);
            }
        }
        return codings;
    }

    /** The decoded bytes of a body the server encoded with {@code codings}, applied in that order. */
    static InputStream decoding(List<ContentCoding> codings, InputStream encoded) throws IOException {
        InputStream in = encoded;
        for (int i = codings.size() - 1; i >= 0; i--) {
            in = codings.get(i).decoder(in);
        }
        return in;
    }

    /** CM = 8 (deflate), a window of at most 32 KiB, and the check bits of RFC 1950 §2.2. */
    private static boolean isZlibHeader(byte[] head) {
        if (head.length < 2) {
            return false;
        }
        int cmf = head[0] & 0xff;
        int flg = head[1] & 0xff;
        return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf << 8 | flg) % 31 == 0;
    }

    /** Inflates zlib data, or raw deflate data when {@code nowrap}; ends the native zlib state on close. */
    private static InputStream inflating(InputStream in, boolean nowrap) {
        return new InflaterInputStream(in, new Inflater(nowrap), BUFFER) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    inf.end(); // now, not when the garbage collector gets to it
                }
            }
        };
    }
}

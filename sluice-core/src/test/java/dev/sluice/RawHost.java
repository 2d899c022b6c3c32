package dev.sluice;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test host on a bare server socket, for answers no HTTP library would give: it accepts every connection, reads
 * each request head (up to its blank line) and answers it as its {@link Script} says, until closed. It counts
 * connections, request heads and the bytes it wrote. {@link #silent()} never answers.
 */
final class RawHost implements AutoCloseable {
    /** How a request head is answered, on the connection's own virtual thread. */
    interface Script {
        /**
         * Writes the answer to the {@code nth} request head of the connection (1 for the first), if any, to
         * {@code out}; returns true to read the next request head on the connection, false to close it. An
         * IOException (the client hung up) closes it too.
         */
        boolean answer(int nth, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    private final Script script;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread acceptor;

    private RawHost(Script script) throws IOException {
        this.script = script;
        this.acceptor = Thread.ofPlatform().daemon().start(this::accept);
    }

    /** Accepts every connection and reads its requests, but never answers. */
    static RawHost silent() throws IOException {
        return new RawHost((nth, out) -> true);
    }

    static RawHost answering(Script script) throws IOException {
        return new RawHost(script);
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            }
        } catch (IOException closed) {
            // closing
        }
    }

    /** Counts each request head that arrives on the connection and answers it. */
    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream counted = new FilterOutputStream(s.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    written.incrementAndGet();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    written.addAndGet(len);
                }
            };
            int matched = 0;
            int nth = 0;
            for (int b; (b = in.read()) >= 0; ) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    requests.incrementAndGet();
                    matched = 0;
                    if (!script.answer(++nth, counted)) {
                        return;
                    }
                }
            }
        } catch (IOException | InterruptedException closed) {
            // the client gave up, or the host is closing
        }
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    long connections() {
        return accepted.size();
    }

    long requests() {
        return requests.get();
    }

    /** Bytes written to all connections so far: what clients took in, and the kernel's buffers hold. */
    long written() {
        return written.get();
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join();
        for (Socket s : accepted) {
            s.close();
        }
    }
}

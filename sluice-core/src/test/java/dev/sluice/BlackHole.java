package dev.sluice;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A test host that accepts every connection, reads requests and never answers, until closed; it counts both. */
final class BlackHole implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong requests = new AtomicLong();
    private final Thread acceptor = Thread.ofPlatform().daemon().start(this::accept);

    BlackHole() throws IOException {
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> countRequests(s));
            }
        } catch (IOException closed) {
            // closing
        }
    }

    /** Counts each request head (up to its blank line) that arrives on the connection. */
    private void countRequests(Socket s) {
        try {
            InputStream in = s.getInputStream();
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == 4) {
                    requests.incrementAndGet();
                    matched = 0;
                }
            }
        } catch (IOException closed) {
            // the client gave up
        }
    }

    int port() {
        return server.getLocalPort();
    }

    long connections() {
        return accepted.size();
    }

    long requests() {
        return requests.get();
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

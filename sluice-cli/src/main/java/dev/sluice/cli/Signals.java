package dev.sluice.cli;

import dev.sluice.Sluice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT and SIGTERM during a run: the first stops it gracefully (no new requests; those in flight
 * get the grace period; everything fetched is stored; exit 130); a second SIGINT aborts at once
 * (committed rows are safe: each batch is one transaction). Handlers run on the JVM's signal
 * thread; {@link #close()} puts the previous handlers back.
 */
final class Signals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("sluice");

    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;

    private Signals(SignalHandler previousInt, SignalHandler previousTerm) {
        this.previousInt = previousInt;
        this.previousTerm = previousTerm;
    }

    static Signals install(Sluice sluice, Duration grace) {
        AtomicInteger received = new AtomicInteger();
        SignalHandler handler = signal -> {
            if (received.incrementAndGet() == 1) {
                log.warn("SIG{} received: stopping; requests in flight get up to {} s, then everything fetched is stored. "
                        + "Press Ctrl-C again to abort at once.", signal.getName(), grace.toSeconds());
                sluice.stop();
            } else if (signal.getName().equals("INT")) {
                System.err.println("sluice: aborted; rows committed so far are kept");
                Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
            }
        };
        return new Signals(Signal.handle(new Signal("INT"), handler), Signal.handle(new Signal("TERM"), handler));
    }

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
    }
}

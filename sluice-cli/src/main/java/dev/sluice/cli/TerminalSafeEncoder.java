package dev.sluice.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.sluice.Printable;

import java.nio.charset.StandardCharsets;

/**
 * The net under every log line: no control character reaches the terminal raw. Our log calls already pass
 * untrusted text through {@link Printable#of}, which also cuts it; this catches the rest: exception messages
 * in stack traces (a processor's, quoting a body), and other libraries' lines. Text lines are escaped
 * keeping their line feeds and tabs (a trace's); JSON lines already escape what JSON must (below U+0020), and
 * the other controls (DEL, C1, bidirectional) get JSON's own escapes, so each line stays valid JSON.
 * Thread-safe as the encoder it wraps.
 */
final class TerminalSafeEncoder extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> inner;
    private final boolean json;

    TerminalSafeEncoder(Encoder<ILoggingEvent> inner, boolean json) {
        this.inner = inner;
        this.json = json;
    }

    @Override
    public byte[] headerBytes() {
        return inner.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = new String(inner.encode(event), StandardCharsets.UTF_8);
        String safe = json ? jsonEscaped(line) : Printable.escapedLines(line);
        return safe.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return inner.footerBytes();
    }

    @Override
    public void start() {
        inner.start();
        super.start();
    }

    @Override
    public void stop() {
        inner.stop();
        super.stop();
    }

    /** What Printable would escape, as {@code \}{@code uNNNN}: in a JSON line such characters can only be in a string. */
    private static String jsonEscaped(String line) {
        StringBuilder b = null; // made only when something is escaped
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean asIs = c == '\n' || Printable.shownAsIs(c);
            if (!asIs && b == null) {
                b = new StringBuilder(line.length() + 16).append(line, 0, i);
            }
            if (b != null) {
                b.append(asIs ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? line : b.toString();
    }
}

package dev.sluice.internal.input;

import dev.sluice.InputSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/**
 * URL lines from files and/or standard input ({@code -}), one after another, streamed: only the
 * current line is in memory. Blank lines and lines starting with {@code #} are skipped; malformed
 * UTF-8 is replaced rather than fatal. Not thread-safe (the admission thread owns it).
 */
public final class LineSource implements InputSource {
    private static final String STDIN = "-";

    private final Iterator<String> inputs;
    private final InputStream stdin;
    private BufferedReader reader;
    private String origin;
    private long lineNumber;

    private LineSource(List<String> inputs, InputStream stdin) {
        this.inputs = inputs.iterator();
        this.stdin = stdin;
    }

    /** Reads the named files in order; {@code -} (or an empty list) means standard input. */
    public static LineSource of(List<String> inputs, InputStream stdin) {
        return new LineSource(inputs.isEmpty() ? List.of(STDIN) : List.copyOf(inputs), stdin);
    }

    /** Lines from memory, e.g. for library users with a list in hand. */
    public static InputSource ofLines(Collection<String> lines) {
        Iterator<String> it = new ArrayList<>(lines).iterator();
        return new InputSource() {
            private long n;

            @Override
            public Line next() {
                while (it.hasNext()) {
                    n++;
                    String text = it.next().strip();
                    if (!text.isEmpty() && !text.startsWith("#")) {
                        return new Line("input", n, text);
                    }
                }
                return null;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Checks that every named file exists and is readable; returns a message naming the first that is not. */
    public static String problem(List<String> inputs) {
        for (String in : inputs) {
            if (in.equals(STDIN)) {
                continue;
            }
            Path p = Path.of(in);
            if (!Files.exists(p)) {
                return "input file '" + in + "' does not exist";
            }
            if (Files.isDirectory(p)) {
                return "input '" + in + "' is a directory, not a file of URLs";
            }
            if (!Files.isReadable(p)) {
                return "input file '" + in + "' is not readable";
            }
        }
        return null;
    }

    /**
     * Counts the URL lines of the inputs when all are regular files (for progress totals); empty
     * otherwise: standard input, a pipe or a device can be read only once, by the run. Reads the
     * files once, streaming.
     */
    public static OptionalLong countLines(List<String> inputs) {
        if (inputs.isEmpty() || !inputs.stream().allMatch(in -> !in.equals(STDIN) && Files.isRegularFile(Path.of(in)))) {
            return OptionalLong.empty();
        }
        long total = 0;
        try {
            for (String in : inputs) {
                try (BufferedReader r = open(Files.newInputStream(Path.of(in)))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (isUrlLine(line.strip())) {
                            total++;
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(total);
    }

    @Override
    public Line next() throws IOException {
        while (true) {
            if (reader == null && !openNext()) {
                return null;
            }
            String line = reader.readLine();
            if (line == null) {
                closeCurrent();
                continue;
            }
            lineNumber++;
            String text = line.strip();
            if (lineNumber == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1).strip();
            }
            if (isUrlLine(text)) {
                return new Line(origin, lineNumber, text);
            }
        }
    }

    private static boolean isUrlLine(String stripped) {
        return !stripped.isEmpty() && !stripped.startsWith("#");
    }

    private boolean openNext() throws IOException {
        if (!inputs.hasNext()) {
            return false;
        }
        String in = inputs.next();
        origin = in.equals(STDIN) ? "stdin" : in;
        lineNumber = 0;
        reader = open(in.equals(STDIN) ? stdin : Files.newInputStream(Path.of(in)));
        return true;
    }

    private static BufferedReader open(InputStream in) {
        Reader decoder = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
        return new BufferedReader(decoder, 1 << 16);
    }

    private void closeCurrent() throws IOException {
        BufferedReader r = reader;
        reader = null;
        if (r != null && !"stdin".equals(origin)) {
            r.close();
        }
    }

    @Override
    public boolean ready() throws IOException {
        return reader != null && reader.ready();
    }

    @Override
    public void close() throws IOException {
        closeCurrent();
    }
}

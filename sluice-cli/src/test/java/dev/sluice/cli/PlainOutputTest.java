package dev.sluice.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Escape sequences (the live progress line's) go to a terminal only: standard error in a file gets plain lines,
 * also when standard output is a terminal. The CLI runs as a real process under {@code TERM=xterm}, its run held
 * at a gate until it has shown how it reports progress: off a terminal, a log line every 10 s; on one, the live
 * line. The terminal is a pseudo-terminal made by util-linux's {@code script}.
 */
class PlainOutputTest {
    private static final String ESC = "\u001b";
    /** The progress log line of a run of three URLs, e.g. {@code 12:00:10 INFO  2/3 (66%) …}. */
    private static final Pattern PROGRESS_LINE = Pattern.compile("INFO  \\d/3 \\(\\d+%\\)");

    @TempDir
    Path dir;
    GatedOrigin origin;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        origin = GatedOrigin.start();
    }

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
        origin.close();
    }

    /** The CLI's command line: a run of one URL answered at once, one held at the gate, one refused (a warning). */
    private List<String> run() throws IOException {
        Path input = Files.write(dir.resolve("urls.txt"),
                List.of(origin.url("/a"), origin.url("/gated/1"), "http://127.0.0.1:1/refused"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of("run", input.toString(), "--db", dir.resolve("out.db").toString(), "--retries", "0"));
        return cmd;
    }

    private Process start(ProcessBuilder builder) throws IOException {
        builder.environment().put("TERM", "xterm");
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /** {@code script} running {@code command} on a new pseudo-terminal, everything written to it kept in {@code transcript}. */
    private ProcessBuilder onTerminal(String command, Path transcript) {
        assumeThat(Path.of("/usr/bin/script")).as("util-linux's script").isExecutable();
        return new ProcessBuilder("/usr/bin/script", "--quiet", "--return", "--flush", "--command", command, transcript.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("script.err").toFile());
    }

    private static String shell(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** Holds the run at the gate until {@code shown} holds of {@code file}, then lets it end; returns its exit code. */
    private int holdUntil(Process p, Path file, java.util.function.Predicate<String> shown) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive() || shown.test(read(file)));
        assertThat(p.isAlive()).as("still running, held at the gate").isTrue();
        origin.open();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void withBothStreamsInFilesNothingIsAnEscapeSequence() throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = start(new ProcessBuilder(run()).redirectOutput(out.toFile()).redirectError(err.toFile()));

        int code = holdUntil(p, err, e -> PROGRESS_LINE.matcher(e).find() || e.contains(ESC));

        assertThat(code).as(read(err)).isEqualTo(ExitCode.FAILURES);
        assertThat(read(err)).contains("WARN  failed http://127.0.0.1:1/refused").doesNotContain(ESC);
        assertThat(read(out)).contains("Done.").doesNotContain(ESC);
    }

    @Test
    void withStandardErrorInAFileFromATerminalNothingThereIsAnEscapeSequence() throws Exception {
        Path err = dir.resolve("err.txt");
        Path transcript = dir.resolve("terminal.txt");
        Process p = start(onTerminal(shell(run()) + " 2> " + shell(List.of(err.toString())), transcript));

        int code = holdUntil(p, err, e -> PROGRESS_LINE.matcher(e).find() || e.contains(ESC));

        assertThat(code).as(read(err)).isEqualTo(ExitCode.FAILURES);
        assertThat(read(err)).contains("WARN  failed http://127.0.0.1:1/refused").doesNotContain(ESC);
        assertThat(read(transcript)).contains("Done.");
    }

    /** The other side: on a terminal, the live line is drawn (so the tests above would see its escapes). */
    @Test
    void onATerminalTheLiveLineIsDrawn() throws Exception {
        Path transcript = dir.resolve("terminal.txt");
        Process p = start(onTerminal(shell(run()), transcript));

        int code = holdUntil(p, transcript, t -> t.contains(ESC + "[2K"));

        assertThat(code).as(read(transcript)).isEqualTo(ExitCode.FAILURES);
        assertThat(read(transcript)).contains("WARN  failed http://127.0.0.1:1/refused").contains("Done.");
        assertThat(PROGRESS_LINE.matcher(read(transcript)).find()).as("a progress log line").isFalse();
    }
}

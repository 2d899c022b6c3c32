package dev.sluice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLI as a real process: its own JVM on the tests' class path, its stdout and stderr in files. */
record CliProcess(Process process, Path out, Path err) {
    static CliProcess start(Path dir, String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                // What bin/sluice gives a short command: the JIT's first tier, the serial collector (half the CPU).
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliProcess(p, out, err);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the end (a minute at most); returns the exit code. */
    int exitCode() throws Exception {
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 60 s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    String stdout() throws IOException {
        return Files.readString(out);
    }
}

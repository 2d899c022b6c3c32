package dev.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One SQLite file, one writing process (issue 10). Real processes; the run that gets the file is held at a
 * {@link GatedOrigin}'s gate while the test looks, so which process is refused is never down to timing.
 */
class SqliteOneWriterTest {
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    private Path input(String name, GatedOrigin origin, String... paths) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String p : paths) {
            lines.add(origin.url(p));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private CliProcess run(String name, Path input, Path db) throws Exception {
        return CliProcess.start(dir, name, "run", input.toString(), "--db", db.toString(), "--jq", ".items[]",
                "--timeout", "60s", "--no-progress");
    }

    /** Refused at once: exit 2 and one line that names the file, the process writing to it, and what to do. */
    private static void assertRefused(int exitCode, String stderr, Path db, long writerPid) {
        assertThat(stderr).doesNotContain("already exists");
        assertThat(exitCode).as(stderr).isEqualTo(ExitCode.USAGE);
        assertThat(stderr.strip().lines()).singleElement().asString()
                .startsWith("sluice: " + db + ": in use by another process (pid " + writerPid + ", started ")
                .contains("one process at a time writes to a SQLite file")
                .contains("--db postgresql://");
    }

    @Test
    void twoRunsStartedTogetherOnANewFileOneRunsAndTheOtherIsRefusedAtOnce() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            try (GatedOrigin origin = GatedOrigin.start()) {
                Path db = dir.resolve("round" + round + ".db");
                Path in = input("urls" + round + ".txt", origin, "/fast/1", "/fast/2", "/gated/3");
                CliProcess a = run("a" + round, in, db);
                CliProcess b = run("b" + round, in, db);
                // Until one has ended (the refused one: the other waits at the gate), or both wait at the gate.
                await().atMost(Duration.ofSeconds(60)).until(() -> !a.process().isAlive() || !b.process().isAlive()
                        || origin.waiting() == 2);
                assertThat(origin.waiting()).as("round %d: both processes are running on one file", round).isLessThan(2);
                CliProcess refused = a.process().isAlive() ? b : a;
                CliProcess writer = refused == a ? b : a;
                assertRefused(refused.exitCode(), refused.stderr(), db, writer.pid());

                await().atMost(Duration.ofSeconds(60)).until(() -> origin.waiting() == 1); // the writer is mid-run
                origin.open();
                assertThat(writer.exitCode()).as(writer.stderr()).isEqualTo(ExitCode.OK);
                assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(3);
            }
        }
    }

    @Test
    void whileARunWritesStatusAndExportReadAndARunOfAnOverlappingListFetchesNothing() throws Exception {
        try (GatedOrigin origin = GatedOrigin.start()) {
            Path db = dir.resolve("busy.db");
            CliProcess writer = run("writer", input("urls.txt", origin, "/fast/1", "/fast/2", "/gated/3"), db);
            await().atMost(Duration.ofSeconds(60)).until(() -> origin.waiting() == 1 && Cli.committed(db) == 2);

            Cli.Result status = Cli.run("status", "--db", db.toString());
            assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK);
            assertThat(status.out()).contains(db + ": 2 URLs").contains("ok      2");
            Cli.Result export = Cli.run("export", "--db", db.toString());
            assertThat(export.exitCode()).as(export.err()).isEqualTo(ExitCode.OK);
            assertThat(export.out().lines()).hasSize(2);

            Cli.Result second = Cli.run("run", input("overlap.txt", origin, "/fast/2", "/gated/3", "/fast/4").toString(),
                    "--db", db.toString(), "--no-progress");
            assertRefused(second.exitCode(), second.err(), db, writer.pid());
            assertThat(origin.requests("/fast/4")).isZero();
            assertThat(origin.requests("/fast/2")).isEqualTo(1);
            assertThat(origin.requests("/gated/3")).isEqualTo(1);

            origin.open();
            assertThat(writer.exitCode()).as(writer.stderr()).isEqualTo(ExitCode.OK);
            assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(3);
        }
    }

    @Test
    void aRunKilledWithSigkillLeavesTheFileFreeForTheNext() throws Exception {
        try (GatedOrigin origin = GatedOrigin.start()) {
            Path db = dir.resolve("killed.db");
            Path in = input("urls.txt", origin, "/fast/1", "/fast/2", "/gated/3");
            CliProcess killed = run("killed", in, db);
            await().atMost(Duration.ofSeconds(60)).until(() -> origin.waiting() == 1);
            killed.process().destroyForcibly(); // SIGKILL: no finally block, no shutdown hook
            killed.exitCode();
            origin.open();

            CliProcess next = run("next", in, db);
            assertThat(next.exitCode()).as(next.stderr()).isEqualTo(ExitCode.OK);
            assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(3);
        }
    }
}

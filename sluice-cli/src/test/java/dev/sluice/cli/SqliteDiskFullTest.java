package dev.sluice.cli;

import dev.sluice.testkit.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk (issue 10), on a small tmpfs of the test's own, with real processes: the run stops with one
 * line that names the file and the full disk, every committed row stays whole, and once there is space
 * again a resume stores every URL exactly once.
 */
class SqliteDiskFullTest {
    @TempDir
    Path dir;

    private Path input(GatedOrigin origin, List<String> paths) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String p : paths) {
            lines.add(origin.url(p));
        }
        return Files.write(dir.resolve("urls.txt"), lines);
    }

    private CliProcess run(String name, Path input, Path db) throws Exception {
        return CliProcess.start(dir, name, "run", input.toString(), "--db", db.toString(), "--jq", ".items[]",
                "--timeout", "60s", "-c", "16", "--no-progress");
    }

    /** Pages left free: 0 fails the lock file's note, the others SQLite's schema creation at one step or another. */
    @ParameterizedTest(name = "{0} pages left")
    @ValueSource(ints = {0, 1, 3, 6, 12})
    void aFullDiskAtSchemaCreationIsNamedAndARunAfterFreeingSpaceCompletes(int pagesLeft) throws Exception {
        try (GatedOrigin origin = GatedOrigin.start(); Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 1024)) {
            Path db = disk.dir().resolve("results.db");
            Path in = input(origin, List.of("/fast/1", "/fast/2", "/fast/3"));
            disk.fillLeaving(pagesLeft);

            CliProcess full = run("full", in, db);
            assertThat(full.exitCode()).as(full.stderr()).isEqualTo(ExitCode.FATAL);
            assertThat(full.stderr().strip().lines()).singleElement().asString()
                    .startsWith("sluice: " + db + ": ").contains("the disk is full");

            disk.free();
            CliProcess resumed = run("resumed", in, db);
            assertThat(resumed.exitCode()).as(resumed.stderr()).isEqualTo(ExitCode.OK);
            assertWhole(db, 3);
        }
    }

    @Test
    void aFullDiskMidRunStopsItWithEveryCommittedRowWholeAndAResumeCompletes() throws Exception {
        try (GatedOrigin origin = GatedOrigin.start(); Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 1024)) {
            Path db = disk.dir().resolve("results.db");
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                paths.add("/fast/" + i);
                paths.add("/gated/" + i);
            }
            Path in = input(origin, paths);

            CliProcess first = run("first", in, db);
            await().atMost(Duration.ofSeconds(60)).until(() -> origin.waiting() == 5 && Cli.committed(db) == 5);
            disk.fillLeaving(0);
            origin.open(); // the five held answers arrive: their batch cannot be committed

            assertThat(first.exitCode()).as(first.stderr()).isEqualTo(ExitCode.FATAL);
            // The held answers come as the run has nothing else to do: stored as they come, in one batch or more.
            assertThat(first.stderr().strip().lines().toList()).last().asString()
                    .matches(java.util.regex.Pattern.quote("sluice: " + db + ": cannot store ") + "[1-5] results?"
                            + java.util.regex.Pattern.quote(": the disk is full (SQLITE_FULL)"));

            disk.free();
            assertWhole(db, 5);
            CliProcess resumed = run("resumed", in, db);
            assertThat(resumed.exitCode()).as(resumed.stderr()).isEqualTo(ExitCode.OK);
            assertThat(resumed.stdout()).contains("5 already stored");
            assertWhole(db, 10);
        }
    }

    /** {@code urls} rows, each URL once and ok with its three records, in a database whose integrity check passes. */
    private static void assertWhole(Path db, int urls) throws Exception {
        assertThat(integrity(db)).isEqualTo("ok");
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results")).isEqualTo(urls);
        assertThat(Cli.scalar(db, "SELECT count(DISTINCT url) FROM results WHERE status = 'ok'")).isEqualTo(urls);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM records")).isEqualTo(3L * urls);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results r WHERE (SELECT count(*) FROM records d "
                + "WHERE d.url = r.url) <> 3")).isZero();
    }

    private static String integrity(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}

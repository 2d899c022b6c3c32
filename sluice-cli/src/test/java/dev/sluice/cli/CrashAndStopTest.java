package dev.sluice.cli;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CLI as a real process: killed with SIGKILL mid-run, or stopped with SIGINT, then run again.
 * Every URL must end with exactly one row, every ok row with all its records (no partial rows).
 */
class CrashAndStopTest {
    private static final int URLS = 400;

    @TempDir
    Path dir;
    Origin origin;
    Path input;
    Path db;
    /** The --jq of the runs start() makes. */
    String jq = ".items[]";
    /** JVM options of the runs start() makes. */
    List<String> jvmOptions = List.of();
    /** Every process started, ended by tearDown if a failed test left one running. */
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        origin = Origin.start();
        List<String> lines = IntStream.range(0, URLS)
                .mapToObj(i -> origin.uri("/crash/" + i + "?latency=40-80").toString()).toList();
        input = Files.write(dir.resolve("urls.txt"), lines);
        db = dir.resolve("crash.db");
    }

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
        origin.close();
    }

    private Process start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", input.toString(), "--db", db.toString(), "-c", "16",
                "--jq", jq, "--no-progress"));
        args.addAll(List.of(extra));
        Process p = Cli.start(jvmOptions, dir.resolve("out.txt"), dir.resolve("err.txt"), args);
        started.add(p);
        return p;
    }

    private long rows() {
        return Cli.committed(db);
    }

    private void assertEveryUrlExactlyOnceAndWhole() throws Exception {
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results")).isEqualTo(URLS);
        assertThat(Cli.scalar(db, "SELECT count(DISTINCT url) FROM results")).isEqualTo(URLS);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(URLS);
        // the origin's body has items [1,2,3]: every stored ok row has its three records, never a part of them
        assertThat(Cli.scalar(db, "SELECT count(*) FROM records")).isEqualTo(3L * URLS);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM (SELECT url FROM records GROUP BY url HAVING count(*) <> 3)")).isZero();
    }

    @Test
    void killedWithSigkillThenRunAgainStoresEveryUrlExactlyOnce() throws Exception {
        Process first = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows() >= 60);
        first.destroyForcibly(); // SIGKILL
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long before = rows();
        assertThat(before).isBetween(60L, URLS - 1L);

        Process second = start();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(second.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).contains(before + " already stored");
        assertEveryUrlExactlyOnceAndWhole();
    }

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalStopsGracefullyWithExit130AndTheRerunCompletes(String signal) throws Exception {
        Process first = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> rows() >= 60);
        new ProcessBuilder("kill", "-" + signal, Long.toString(first.pid())).start().waitFor();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(first.exitValue()).isEqualTo(ExitCode.INTERRUPTED);
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertThat(out).contains("Stopped before the end").contains("stored");
        assertThat(Files.readString(dir.resolve("err.txt"))).contains("SIG" + signal + " received: stopping");
        assertThat(rows()).isLessThan(URLS);

        Process second = start();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertEveryUrlExactlyOnceAndWhole();
    }

    /**
     * Processing that would never end (every tenth body loops in jq, with no limit to speak of) does not hold
     * up a stop: the run ends within the grace plus the documented margin, stores what was processed, gives the
     * rest no row, and a re-run completes.
     */
    @Test
    void aSigintEndsTheRunWithinTheGraceWhileProcessingIsStuck() throws Exception {
        jq = "if (.path | endswith(\"7\")) then (reduce range(0;1e15) as $i (0; .+1)) else .items[] end";
        Process first = start("--grace", "2s", "--process-timeout", "1h", "--process-memory", "100GiB");
        await().atMost(Duration.ofSeconds(30)).until(() -> rows() >= 5 && origin.requests() >= 40);
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);

        assertThat(first.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(took).as("the grace (2 s) plus the margin").isLessThan(Duration.ofSeconds(2 + 3));
        assertThat(Files.readString(dir.resolve("out.txt"))).contains("Stopped before the end");
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE url LIKE '%7?%'")).isZero();
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status <> 'ok'")).isZero();
        assertThat(rows()).isBetween(5L, URLS - 1L);

        jq = ".items[]";
        Process second = start();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertEveryUrlExactlyOnceAndWhole();
    }

    /** The same when every URL has been fetched before the stop, and only processing is left: no row, exit 130. */
    @Test
    void aSigintAfterTheLastFetchEndsProcessingThatWouldNeverEnd() throws Exception {
        input = Files.write(dir.resolve("two.txt"), List.of(origin.uri("/stuck/1").toString(), origin.uri("/stuck/2").toString()));
        jq = "reduce range(0;1e15) as $i (0; .+1)";
        Process first = start("--grace", "1s", "--process-timeout", "1h", "--process-memory", "100GiB");
        await().atMost(Duration.ofSeconds(30)).until(() -> origin.requests("/stuck/1") + origin.requests("/stuck/2") == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("err.txt")).isEmpty() && rows() == 0);
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).start().waitFor();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(first.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isEqualTo(ExitCode.INTERRUPTED);
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as("the grace (1 s) plus the margin")
                .isLessThan(Duration.ofSeconds(1 + 3));
        assertThat(rows()).isZero();
    }

    /** A body whose processing runs out of heap fails its URL with process; the others are stored and the run ends. */
    @Test
    void runningOutOfHeapWhileProcessingOneBodyFailsThatUrlAndTheRunGoesOn() throws Exception {
        input = Files.write(dir.resolve("oom.txt"), IntStream.rangeClosed(1, 5).mapToObj(i -> origin.uri("/oom/" + i).toString()).toList());
        // one allocation of 200 MB, more than the whole heap: it is the processing thread's, and it fails there
        jq = "if (.path | endswith(\"/3\")) then (\"xy\" * 100000000 | length) else .items[] end";
        jvmOptions = List.of("-Xmx128m", "-XX:+UseSerialGC");
        Process run = start("--process-memory", "100GiB", "--process-timeout", "1h", "--process-threads", "1");
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(run.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isEqualTo(ExitCode.FAILURES);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(4);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE url LIKE '%/oom/3' AND error = 'process'"
                + " AND detail LIKE 'ran out of memory while processing%'")).isEqualTo(1);
    }
}

package dev.sluice.internal.store.sqlite;

import dev.sluice.Request;
import dev.sluice.spi.InputRequests;

import dev.sluice.ErrorKind;
import dev.sluice.ResumeMode;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.spi.Frontier;
import dev.sluice.internal.input.LineSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQLite frontier's own decisions: what a load queues again, and what a finished row says. */
class SqliteFrontierTest {
    @TempDir
    Path dir;

    private static Frontier.Loaded load(SqliteFrontier f, ResumeMode mode, Instant runStart, String... urls) throws Exception {
        return f.load(LineSource.ofLines(List.of(urls)), InputRequests.urls(), mode, runStart, Duration.ofSeconds(1), invalid -> { }, () -> false);
    }

    private static RequestResult ok(String url) {
        return new RequestResult(Request.get(url), RequestResult.Status.OK, 200, 1, null, null, 2L, "application/json", "ab", 5, Instant.now(),
                List.of(), dev.sluice.Extraction.NONE, null, Validators.NONE, false, List.of());
    }

    /**
     * A URL an earlier run left queued (it was killed) is claimed and finished by this run before the loading reaches
     * its input line: under --refetch the line must not queue it again (it would be fetched twice).
     */
    @Test
    void aUrlFinishedByThisRunBeforeItsLineIsLoadedIsNotQueuedAgain() throws Exception {
        String url = "http://a.example/1";
        try (SqliteStore store = SqliteStore.open(dir.resolve("f.db")); SqliteFrontier f = store.frontier()) {
            load(f, ResumeMode.SKIP_DONE, Instant.now().minusSeconds(60), url); // the earlier run, killed before fetching it

            Instant runStart = Instant.now();
            assertThat(f.claim(10)).extracting(c -> c.request().url()).containsExactly(url);
            f.complete(List.of(ok(url)));
            Frontier.Loaded loaded = load(f, ResumeMode.REFETCH, runStart, url);

            assertThat(loaded.requeued()).isZero();
            assertThat(loaded.duplicates()).isEqualTo(1);
            assertThat(f.claim(10)).isEmpty();
        }
    }

    /** A 304 whose stored ok row has vanished is stored as a failure, and its queue row says failed (so --retry-failed takes it). */
    @Test
    void aNotModifiedWhoseRowVanishedFinishesItsQueueRowAsFailed() throws Exception {
        String url = "http://a.example/2";
        Path db = dir.resolve("g.db");
        try (SqliteStore store = SqliteStore.open(db); SqliteFrontier f = store.frontier()) {
            load(f, ResumeMode.SKIP_DONE, Instant.now(), url);
            f.claim(10);
            f.complete(List.of(RequestResult.unchanged(Request.get(url), 1, 5, Instant.now())));

            Frontier.Loaded again = load(f, ResumeMode.RETRY_FAILED, Instant.now().plusSeconds(1), url);

            assertThat(again.requeued()).isEqualTo(1);
            store.scan(null, r -> assertThat(r.error()).isEqualTo(ErrorKind.HTTP));
        }
    }
}

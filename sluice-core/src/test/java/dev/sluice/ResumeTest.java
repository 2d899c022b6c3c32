package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Running again on the same database continues; --retry-failed and --refetch choose what is fetched again. */
class ResumeTest {
    @TempDir
    Path dir;
    Origin origin;
    List<String> paths;
    List<String> urls;

    @BeforeEach
    void setUp() {
        origin = Origin.start();
        paths = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            paths.add("/page/" + i);
        }
        paths.add("/gone?status=410");
        paths.add("/broken?status=400");
        urls = paths.stream().map(p -> origin.uri(p).toString()).toList();
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    private long requests() {
        return paths.stream().mapToLong(origin::requests).sum();
    }

    @Test
    void aSecondRunSkipsWhatIsStored() throws Exception {
        Harness h = new Harness(dir);
        h.run(Harness.config().build(), urls);
        assertThat(requests()).isEqualTo(10);

        RunSummary again = h.run(Harness.config().build(), urls);

        assertThat(again.skipped()).isEqualTo(10);
        assertThat(again.stored()).isZero();
        assertThat(requests()).isEqualTo(10);
        assertThat(h.results()).hasSize(10);
    }

    @Test
    void retryFailedFetchesOnlyTheFailedOnes() throws Exception {
        Harness h = new Harness(dir);
        h.run(Harness.config().build(), urls);

        RunSummary again = h.run(Harness.config().resumeMode(ResumeMode.RETRY_FAILED).build(), urls);

        assertThat(again.skipped()).isEqualTo(8);
        assertThat(again.failed()).isEqualTo(2);
        assertThat(origin.requests("/gone?status=410")).isEqualTo(2);
        assertThat(origin.requests("/page/0")).isEqualTo(1);
    }

    @Test
    void refetchFetchesEverythingOnceEvenWhenListedTwice() throws Exception {
        Harness h = new Harness(dir);
        h.run(Harness.config().build(), urls);
        List<String> twice = new ArrayList<>(urls);
        twice.addAll(urls);

        RunSummary again = h.run(Harness.config().resumeMode(ResumeMode.REFETCH).build(), twice);

        assertThat(again.stored()).isEqualTo(10);
        assertThat(again.duplicates()).isEqualTo(10);
        assertThat(requests()).isEqualTo(20);
        assertThat(h.results()).hasSize(10);
    }
}

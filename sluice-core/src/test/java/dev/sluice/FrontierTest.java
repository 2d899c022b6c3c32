package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A run over an input goes through the database's frontier (table {@code queue}): loaded, then worked. */
class FrontierTest {
    @TempDir
    Path dir;
    Origin origin;

    @BeforeEach
    void setUp() {
        origin = Origin.start();
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    @Test
    void everyInputUrlIsInTheFrontierOnceAndFinishedWithItsRow() throws Exception {
        List<String> urls = IntStream.range(0, 50).mapToObj(i -> origin.uri("/p/" + i).toString()).toList();
        List<String> lines = new ArrayList<>(urls);
        lines.add(origin.uri("/missing?status=404").toString());
        lines.add("not a url");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), lines);

        assertThat(h.query("SELECT state, rule, depth, count(parent) AS parents, count(*) AS n FROM queue GROUP BY 1, 2, 3 ORDER BY 1"))
                .containsExactly(
                        Map.of("state", "done", "rule", "input", "depth", 0, "parents", 0, "n", 50),
                        Map.of("state", "failed", "rule", "input", "depth", 0, "parents", 0, "n", 2));
        assertThat(h.query("SELECT count(*) AS n FROM queue q JOIN results r ON r.request = q.request "
                + "WHERE (q.state = 'done') = (r.status = 'ok')")).containsExactly(Map.of("n", 52));
    }

    /** Lines far apart (in different loading batches) still name one URL: fetched once, counted as duplicates. */
    @Test
    void aUrlRepeatedAcrossLoadingBatchesIsFetchedOnce() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            IntStream.range(0, 1_500).forEach(i -> lines.add(origin.uri("/r/" + i).toString()));
        }
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().concurrency(32).perHost(32).build(), lines);

        assertThat(summary.stored()).isEqualTo(1_500);
        assertThat(summary.duplicates()).isEqualTo(3_000);
        assertThat(origin.requests()).isEqualTo(1_500);
    }
}

package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A library run ends every thread it started: fetch, CPU, writer, input and Jetty's. */
class NoLeftoverThreadsTest {
    @TempDir
    Path dir;

    @Test
    void aRunLeavesNoThreadBehind() throws Exception {
        try (Origin origin = Origin.start()) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            List<String> urls = IntStream.range(0, 100)
                    .mapToObj(i -> origin.uri("/t/" + i + (i % 10 == 0 ? "?status=503" : "?latency=5")).toString()).toList();

            new Harness(dir).run(Harness.config().concurrency(20).processThreads(3).build(), urls);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
        }
    }

    /** Live threads that were not there before, leaving out the JVM's own lazily started ones. */
    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> !n.equals("Attach Listener") && !n.startsWith("Common-Cleaner") && !n.equals("process reaper")
                        && !n.startsWith("ForkJoinPool") && !n.startsWith("awaitility"))
                .collect(Collectors.toSet());
    }
}

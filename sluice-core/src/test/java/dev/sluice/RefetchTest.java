package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Cheap refetch: validators are kept, sent back by --refetch, and a 304 keeps the stored data. */
class RefetchTest {
    @TempDir
    Path dir;

    @Test
    void a304KeepsTheStoredResultMarksItUnchangedAndSkipsProcessing() throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> paths = IntStream.range(0, 20).mapToObj(i -> "/v/" + i + "?etag=v" + i + "&lastModified=1700000000").toList();
            List<String> urls = paths.stream().map(p -> origin.uri(p).toString()).toList();
            AtomicInteger processed = new AtomicInteger();
            Processor counting = body -> {
                processed.incrementAndGet();
                return List.of("{\"n\":" + body.body().length + "}");
            };
            Harness h = new Harness(dir);
            h.run(Harness.config().build(), counting, urls);
            Map<String, Object> first = h.result(urls.get(3));
            assertThat(first).containsEntry("etag", "\"v3\"").containsEntry("last_modified", "Tue, 14 Nov 2023 22:13:20 GMT")
                    .containsEntry("unchanged", 0);
            assertThat(processed).hasValue(20);

            RunSummary again = h.run(Harness.config().resumeMode(ResumeMode.REFETCH).build(), counting, urls);

            assertThat(again.ok()).isEqualTo(20);
            assertThat(again.unchanged()).isEqualTo(20);
            assertThat(origin.notModified()).isEqualTo(20);
            assertThat(processed).as("bodies processed in all").hasValue(20);
            assertThat(origin.lastRequestHeader(paths.get(3), "If-None-Match")).hasValue("\"v3\"");
            Map<String, Object> kept = h.result(urls.get(3));
            assertThat(kept).containsEntry("unchanged", 1).containsEntry("http_status", 200)
                    .containsEntry("sha256", first.get("sha256")).containsEntry("bytes", first.get("bytes"))
                    .containsEntry("etag", "\"v3\"");
            assertThat((String) kept.get("fetched_at")).isGreaterThan((String) first.get("fetched_at"));
            assertThat(h.query("SELECT count(*) AS n FROM records").get(0)).containsEntry("n", 20);
        }
    }

    @Test
    void aChangedResourceIsStoredAnewAndNoLongerMarkedUnchanged() throws Exception {
        try (Origin origin = Origin.start()) {
            String url = origin.uri("/changing?etag=one").toString();
            Harness h = new Harness(dir);
            h.run(Harness.config().build(), List.of(url));
            h.run(Harness.config().resumeMode(ResumeMode.REFETCH).build(), List.of(url));
            assertThat(h.result(url)).containsEntry("unchanged", 1);

            // As if the server's copy had changed since: the stored validator no longer matches.
            h.execute("UPDATE results SET etag = '\"stale\"'");
            RunSummary summary = h.run(Harness.config().resumeMode(ResumeMode.REFETCH).build(), List.of(url));

            assertThat(summary.unchanged()).isZero();
            assertThat(h.result(url)).containsEntry("unchanged", 0).containsEntry("etag", "\"one\"").containsEntry("status", "ok");
            assertThat(origin.notModified()).isEqualTo(1);
            assertThat(origin.requests()).isEqualTo(3);
        }
    }

    @Test
    void withoutRefetchNoConditionalHeaderIsSent() throws Exception {
        try (Origin origin = Origin.start()) {
            String path = "/plain?etag=x";
            String url = origin.uri(path).toString();
            Harness h = new Harness(dir);
            h.run(Harness.config().build(), List.of(url));
            h.run(Harness.config().resumeMode(ResumeMode.RETRY_FAILED).build(), List.of(url));

            assertThat(origin.requests()).isEqualTo(1);
            assertThat(origin.lastRequestHeader(path, "If-None-Match")).isEmpty();
        }
    }
}

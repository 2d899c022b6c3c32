package dev.sluice.internal.fetch;

import dev.sluice.SluiceConfig;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP client alone, as Sluice drives it, without the pipeline: one virtual thread per request (as the
 * scheduler starts them), at most CONC in flight, against BASE/1 .. BASE/N. Usage: FetchOnly BASE N CONC MODE,
 * MODE "fetcher" (Sluice's HttpFetcher.fetch: its Jetty clients, headers, BodyCollector) or "jetty" (a plain
 * Jetty HttpClient, blocking send, same executor shape). Runs N/2 requests to warm up, then N measured; prints
 * 'MODE cpu_us_per_request requests_per_second' of the measured part (the process's CPU time, so the JIT's and
 * the collector's included, as in bench/cpu-per-url.sh).
 */
public final class FetchOnly {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int n = Integer.parseInt(args[1]);
        int conc = Integer.parseInt(args[2]);
        String mode = args[3];
        SluiceConfig config = SluiceConfig.builder().concurrency(conc).perHost(conc).build();
        HttpFetcher fetcher = mode.equals("fetcher") ? new HttpFetcher(config, Clock.systemUTC()) : null;
        HttpClient jetty = null;
        if (fetcher == null) {
            QueuedThreadPool pool = new QueuedThreadPool(8, 1);
            pool.setName("jetty");
            pool.setDaemon(true);
            jetty = new HttpClient();
            jetty.setExecutor(pool);
            jetty.setMaxConnectionsPerDestination(conc);
            jetty.setFollowRedirects(false);
            jetty.start();
        }
        HttpClient client = jetty;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicLong failures = new AtomicLong();
        for (int round = 0; round < 2; round++) {
            int count = round == 0 ? n / 2 : n;
            Semaphore slots = new Semaphore(conc);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 1; i <= count; i++) {
                    slots.acquire();
                    URI uri = URI.create(base + "/" + (round * n + i));
                    threads.execute(() -> {
                        try {
                            if (client == null) {
                                if (!(fetcher.fetch(uri) instanceof Attempt.Success)) {
                                    failures.incrementAndGet();
                                }
                            } else {
                                ContentResponse r = client.GET(uri);
                                if (r.getStatus() != 200) {
                                    failures.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            long cpu = os.getProcessCpuTime() - cpu0;
            double secs = (System.nanoTime() - t0) / 1e9;
            if (round == 1) {
                System.out.printf("%s %.1f %.0f failures=%d%n", mode, cpu / 1e3 / count, count / secs, failures.get());
            }
        }
        if (fetcher != null) {
            fetcher.close();
        }
        if (jetty != null) {
            jetty.stop();
        }
    }
}

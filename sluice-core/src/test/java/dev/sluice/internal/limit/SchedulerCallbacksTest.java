package dev.sluice.internal.limit;

import dev.sluice.HostEvents;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import dev.sluice.internal.fetch.RetryPolicy;
import dev.sluice.internal.limit.Scheduler.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls out of the scheduler: host events reach their observer after the scheduler's lock is released, on the thread that
 * made them, in order, and an observer that throws costs its host nothing.
 */
class SchedulerCallbacksTest {
    private final FakeTime time = new FakeTime();
    private final List<String> granted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
    private Scheduler scheduler;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger fenceLog = (Logger) LoggerFactory.getLogger(FencedHostEvents.class);

    @BeforeEach
    void listen() {
        logged.start();
        fenceLog.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        fenceLog.detachAppender(logged);
    }

    private final class Url implements Scheduler.Task {
        final String name;
        volatile Scheduler.Permit permit;

        Url(String name) {
            this.name = name;
        }

        @Override
        public String hostKey() {
            return name.replaceAll("[0-9]", "");
        }

        @Override
        public void granted(Scheduler.Permit p) {
            permit = p;
            granted.add(name);
        }

        @Override
        public void refused(ErrorKind kind, String detail) {
            refused.add(name);
        }

        void end(Signal signal, Duration retryAfter) {
            Scheduler.Permit p = permit;
            permit = null;
            p.report(signal, retryAfter);
            p.close();
        }
    }

    private void start(SluiceConfig config, HostEvents observer) {
        RetryPolicy policy = new RetryPolicy(config.backoffBase(), config.backoffCap(), config.maxRetryAfter());
        scheduler = new Scheduler(config, policy, false, observer, time, time, Runnable::run, bound -> bound - 1);
    }

    private List<Url> submit(String... names) {
        List<Url> urls = new ArrayList<>();
        for (String name : names) {
            Url u = new Url(name);
            scheduler.submit(u);
            urls.add(u);
        }
        return urls;
    }

    @Test
    void anObserverThatThrowsIsLoggedOnceAndItsHostGoesOnBeingDispatched() {
        start(SluiceConfig.builder().concurrency(10).perHost(5).breakerFailures(1).build(), new HostEvents() {
            @Override
            public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void breakerOpened(String host) {
                throw new IllegalStateException("observer bug");
            }
        });
        List<Url> a = submit("a1", "a2", "a3", "a4", "a5");
        List<Url> b = submit("b1", "b2", "b3", "b4", "b5", "b6");
        for (Url u : a) {
            u.end(Signal.THROTTLED, Duration.ofSeconds(1)); // the fifth holds the host back: heldBack throws
        }
        b.get(0).end(Signal.REFUSED, null); // the breaker opens: breakerOpened throws
        assertThat(refused).as("the open breaker's queue").containsExactly("b6");
        granted.clear();

        submit("a6");
        assertThat(granted).isEmpty();
        time.advance(Duration.ofSeconds(1));
        assertThat(granted).as("granted once the hold-back ends, whatever the observer did").containsExactly("a6");

        assertThat(logged.list).hasSize(1);
        ILoggingEvent warning = logged.list.get(0);
        assertThat(warning.getLevel()).isEqualTo(Level.WARN);
        assertThat(warning.getFormattedMessage()).contains(getClass().getName()).contains("heldBack(a)");
        assertThat(warning.getThrowableProxy().getMessage()).isEqualTo("observer bug");
    }

    @Test
    void hostEventsComeAfterTheLockIsReleasedOnTheThreadThatMadeThemInOrder() throws Exception {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch otherThreadGotTheLock = new CountDownLatch(1);
        start(SluiceConfig.builder().concurrency(10).perHost(1).breakerFailures(1).breakerCooldown(Duration.ofSeconds(1))
                .build(), new HostEvents() {
            @Override
            public void breakerOpened(String host) {
                // If this ran under the scheduler's lock, another thread could not take it until we return.
                Thread.ofPlatform().start(() -> {
                    scheduler.inFlight();
                    otherThreadGotTheLock.countDown();
                });
                try {
                    heard.add("opened " + host + " on " + Thread.currentThread().getName() + ", other thread "
                            + (otherThreadGotTheLock.await(10, TimeUnit.SECONDS) ? "got the lock" : "blocked"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void breakerClosed(String host) {
                heard.add("closed " + host + " on " + Thread.currentThread().getName()
                        + (scheduler.lock.isHeldByCurrentThread() ? " under the lock" : ""));
            }
        });
        Url a1 = submit("a1").get(0);
        Thread closer = Thread.ofPlatform().name("closer").start(() -> a1.end(Signal.REFUSED, null));
        closer.join();
        time.advance(Duration.ofSeconds(1));
        Url a2 = submit("a2").get(0); // the probe
        Thread prober = Thread.ofPlatform().name("prober").start(() -> a2.end(Signal.ANSWERED, null));
        prober.join();

        assertThat(heard).containsExactly("opened a on closer, other thread got the lock", "closed a on prober");
    }
}

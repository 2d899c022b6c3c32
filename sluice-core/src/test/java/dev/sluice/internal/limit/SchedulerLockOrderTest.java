package dev.sluice.internal.limit;

import dev.sluice.HostEvents;
import dev.sluice.internal.pipeline.RunFactsRecorder;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import dev.sluice.internal.fetch.RetryPolicy;
import dev.sluice.internal.limit.Scheduler.Signal;
import dev.sluice.spi.RunFacts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock order docs/concurrency.md states, checked against the locks the scheduler takes: a run of the scheduler
 * through every kind of callback (grants, refusals, wake-ups, every host event into a real {@link RunFacts}) records,
 * each time a lock is taken, which of the instrumented locks the thread already holds. Every nesting seen must be a
 * documented pair, and none may reverse one.
 */
class SchedulerLockOrderTest {
    private static final String ADMIT = "admitLock";
    private static final String SCHEDULER = "Scheduler.lock";
    private static final String TIMER = "sluice-timer";
    private static final String FACTS = "RunFactsRecorder.lock";

    /** The pairs "**`A` → `B`**" of the doc's "Lock order" section. */
    static Set<List<String>> documentedPairs() throws IOException {
        String doc = Files.readString(Path.of("../docs/concurrency.md")); // the module's directory is the working one
        int from = doc.indexOf("### Lock order");
        String section = doc.substring(from, doc.indexOf("\n### ", from + 1));
        Set<List<String>> pairs = new LinkedHashSet<>();
        Matcher bold = Pattern.compile("\\*\\*(.+?)\\*\\*").matcher(section);
        while (bold.find()) {
            String[] sides = bold.group(1).split("→");
            for (int i = 0; i + 1 < sides.length; i++) {
                List<String> left = names(sides[i]);
                List<String> right = names(sides[i + 1]);
                if (!left.isEmpty() && !right.isEmpty()) {
                    pairs.add(List.of(left.get(left.size() - 1), right.get(0)));
                }
            }
        }
        return pairs;
    }

    private static List<String> names(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private final ReentrantLock admitLock = new ReentrantLock();
    private final Map<String, ReentrantLock> instrumented = new LinkedHashMap<>();
    private final Set<List<String>> seen = new LinkedHashSet<>();
    private final FakeTime time = new FakeTime();
    /** Granted and not ended, oldest first. */
    private final java.util.ArrayDeque<Url> granted = new java.util.ArrayDeque<>();
    private final List<String> heard = new ArrayList<>();
    private Scheduler scheduler;

    /** {@code lock} is about to be taken: notes each instrumented lock the thread holds already. */
    private void taking(String lock) {
        instrumented.forEach((name, held) -> {
            if (!name.equals(lock) && held.isHeldByCurrentThread()) {
                seen.add(List.of(name, lock));
            }
        });
    }

    private final class Url implements Scheduler.Task {
        final String host;
        Scheduler.Permit permit;

        Url(String host) {
            this.host = host;
        }

        @Override
        public String hostKey() {
            return host;
        }

        @Override
        public void granted(Scheduler.Permit p) {
            permit = p;
            granted.add(this);
        }

        @Override
        public void refused(ErrorKind kind, String detail) {
        }

        /** As a fetch thread does: reports, closes (the scheduler's lock), maybe queues itself again. */
        void end(Signal signal, Duration retryAfter) {
            granted.remove(this);
            permit.report(signal, retryAfter);
            taking(SCHEDULER);
            permit.close();
        }
    }

    /** What the scheduler calls: the timer (its queue lock), and host events into a real RunFacts (its lock). */
    private Scheduler start(SluiceConfig config, RunFactsRecorder facts) {
        Timer timer = new Timer() {
            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                taking(TIMER);
                return time.schedule(() -> {
                    taking(SCHEDULER); // a wake-up: the timer's thread takes the scheduler's lock
                    task.run();
                }, delayNanos);
            }

            @Override
            public void shutdown() {
                time.shutdown();
            }
        };
        HostEvents events = new HostEvents() {
            @Override
            public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
                taking(FACTS);
                heard.add("heldBack");
                facts.heldBack(host, millis, newEvent, retryAfter);
            }

            @Override
            public void breakerOpened(String host) {
                taking(FACTS);
                heard.add("breakerOpened");
                facts.breakerOpened(host);
            }

            @Override
            public void breakerClosed(String host) {
                taking(FACTS);
                heard.add("breakerClosed");
                facts.breakerClosed(host);
            }

            @Override
            public void limitChanged(String host, int limit) {
                taking(FACTS);
                heard.add("limitChanged");
                facts.limitChanged(host, limit);
            }
        };
        RetryPolicy policy = new RetryPolicy(config.backoffBase(), config.backoffCap(), config.maxRetryAfter());
        Scheduler s = new Scheduler(config, policy, false, events, time, timer, Runnable::run, bound -> bound - 1);
        instrumented.put(ADMIT, admitLock);
        instrumented.put(SCHEDULER, s.lock);
        return s;
    }

    /** As admission does: under {@code admitLock}. */
    private Url admit(String host) {
        Url u = new Url(host);
        taking(ADMIT);
        admitLock.lock();
        try {
            taking(SCHEDULER);
            scheduler.submit(u);
        } finally {
            admitLock.unlock();
        }
        return u;
    }

    /** Ends the oldest grant to {@code host}. */
    private void endNext(String host, Signal signal, Duration retryAfter) {
        granted.stream().filter(u -> u.host.equals(host)).findFirst().orElseThrow().end(signal, retryAfter);
    }

    @Test
    void theSchedulerTakesLocksOnlyInTheOrderTheDocumentStates() throws IOException {
        Set<List<String>> documented = documentedPairs();
        assertThat(documented).as("the doc's pairs, as parsed").contains(List.of(ADMIT, SCHEDULER), List.of(SCHEDULER, TIMER));

        RunFactsRecorder facts = new RunFactsRecorder(Clock.systemUTC());
        scheduler = start(SluiceConfig.builder().concurrency(10).perHost(5).adaptive(true).breakerFailures(1)
                .breakerCooldown(Duration.ofSeconds(1)).build(), facts);
        // Host a: a round of answers at its adaptive limit (limitChanged).
        for (int i = 0; i < 12; i++) {
            admit("a");
        }
        time.advanceMillis(10);
        for (int i = 0; i < 8; i++) {
            endNext("a", Signal.ANSWERED, null);
        }
        // Host h: five 429s in a row (heldBack), then its block's end wakes it (sluice-timer).
        for (int i = 0; i < 6; i++) {
            admit("h");
        }
        for (int i = 0; i < 5; i++) {
            endNext("h", Signal.THROTTLED, Duration.ofMillis(100));
        }
        time.advanceMillis(100);
        // Host b: refused (breakerOpened, its queue refused), then a probe answered after the cool-down (breakerClosed).
        admit("b");
        admit("b");
        endNext("b", Signal.REFUSED, null);
        time.advance(Duration.ofSeconds(1));
        admit("b");
        endNext("b", Signal.ANSWERED, null);
        // A retry after its own delay: sluice-timer brings it back.
        scheduler.submitAfter(new Url("c"), Duration.ofMillis(10));
        time.advanceMillis(10);

        assertThat(heard).as("every kind of host event").contains("limitChanged", "heldBack", "breakerOpened", "breakerClosed");
        assertThat(facts.pending().events()).extracting(RunFacts.Event::kind)
                .as("every kind of host event reached the observer").contains("held_back", "breaker_open", "breaker_closed");
        assertThat(seen).as("nestings seen").contains(List.of(ADMIT, SCHEDULER), List.of(SCHEDULER, TIMER));
        for (List<String> pair : seen) {
            assertThat(documented).as("documented in docs/concurrency.md, Lock order").contains(pair);
            assertThat(documented).as("the reverse of a documented pair").doesNotContain(List.of(pair.get(1), pair.get(0)));
        }
    }
}

package dev.sluice.internal.limit;

import dev.sluice.HostEvents;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import dev.sluice.internal.fetch.RetryPolicy;
import dev.sluice.internal.limit.Scheduler.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler's politeness, grant by grant, in the manner of OkHttp's {@code DispatcherTest}: time moves only when a
 * test advances it ({@link FakeTime}), a grant runs at once on the thread that made it, and each test asserts which URLs
 * are granted, in what order and at what instant (ms since the start: {@code "a2@100"}). URL {@code a2} is on host
 * {@code a}. The back-off's jitter is at its most, so a back-off step lasts its whole ceiling. Every callback checks that
 * it runs without the scheduler's lock.
 */
class SchedulerTest {
    private final FakeTime time = new FakeTime();
    private final List<String> granted = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final Map<String, Url> urls = new HashMap<>();
    /** Callbacks that ran under the scheduler's lock. */
    private final List<String> underLock = new ArrayList<>();
    private Scheduler scheduler;

    private void noLock(String callback) {
        if (scheduler.lock.isHeldByCurrentThread()) {
            underLock.add(callback);
        }
    }

    @AfterEach
    void noCallbackRanUnderTheSchedulersLock() {
        assertThat(underLock).isEmpty();
    }

    private final HostEvents recorder = new HostEvents() {
        @Override
        public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
            noLock("heldBack");
            events.add(host + " held back " + millis + " ms" + (newEvent ? ", new" : "") + (retryAfter ? ", Retry-After" : ""));
        }

        @Override
        public void breakerOpened(String host) {
            noLock("breakerOpened");
            events.add(host + " breaker opened");
        }

        @Override
        public void breakerClosed(String host) {
            noLock("breakerClosed");
            events.add(host + " breaker closed");
        }

        @Override
        public void limitChanged(String host, int limit) {
            noLock("limitChanged");
            events.add(host + " limit " + limit);
        }
    };

    /** A URL of host {@code name}'s letters; records its grants and refusals. */
    private final class Url implements Scheduler.Task {
        final String name;
        Scheduler.Permit permit;

        Url(String name) {
            this.name = name;
        }

        @Override
        public String hostKey() {
            return name.replaceAll("[0-9]", "");
        }

        @Override
        public void granted(Scheduler.Permit p) {
            noLock("granted");
            assertThat(permit).as("%s granted while it holds a permit", name).isNull();
            permit = p;
            granted.add(name + "@" + at());
        }

        @Override
        public void refused(ErrorKind kind, String detail) {
            noLock("refused");
            refused.add(name + " " + kind.code());
        }
    }

    private String at() {
        double ms = time.millis();
        return ms == Math.rint(ms) ? Long.toString((long) ms) : String.format(java.util.Locale.ROOT, "%.3f", ms);
    }

    private void start(SluiceConfig.Builder config) {
        start(config, false);
    }

    private void start(SluiceConfig.Builder config, boolean sharedSlots) {
        SluiceConfig c = config.build();
        RetryPolicy policy = new RetryPolicy(c.backoffBase(), c.backoffCap(), c.maxRetryAfter());
        scheduler = new Scheduler(c, policy, sharedSlots, recorder, time, time, Runnable::run, bound -> bound - 1);
    }

    private void submit(String... names) {
        for (String name : names) {
            Url u = new Url(name);
            urls.put(name, u);
            assertThat(scheduler.submit(u)).isTrue();
        }
    }

    private Url url(String name) {
        return urls.get(name);
    }

    /** Ends {@code name}'s grant with {@code signal}: its permit is closed. */
    private Scheduler.Permit end(String name, Signal signal, Duration retryAfter) {
        Url u = url(name);
        Scheduler.Permit p = u.permit;
        assertThat(p).as("%s holds a permit", name).isNotNull();
        u.permit = null;
        p.report(signal, retryAfter);
        p.close();
        return p;
    }

    /** Ends {@code name}'s grant without a request (robots.txt). */
    private void notSent(String name) {
        Url u = url(name);
        u.permit.notSent();
        u.permit.close();
        u.permit = null;
    }

    private void answer(String... names) {
        for (String name : names) {
            end(name, Signal.ANSWERED, null);
        }
    }

    private Scheduler.Permit throttle(String name, Duration retryAfter) {
        return end(name, Signal.THROTTLED, retryAfter);
    }

    private void refuse(String... names) {
        for (String name : names) {
            end(name, Signal.REFUSED, null);
        }
    }

    private void timeOut(String... names) {
        for (String name : names) {
            end(name, Signal.TIMED_OUT, null);
        }
    }

    /** Asserts the grants made since the last call, in order, and forgets them. */
    private void assertGranted(String... expected) {
        assertThat(granted).containsExactly(expected);
        granted.clear();
    }

    private void assertRefused(String... expected) {
        assertThat(refused).containsExactly(expected);
        refused.clear();
    }

    private void assertEvents(String... expected) {
        assertThat(events).containsExactly(expected);
        events.clear();
    }

    private static SluiceConfig.Builder config() {
        return SluiceConfig.builder();
    }

    // --- caps ---

    @Test
    void theGlobalCapHoldsAndEachReleaseLetsExactlyTheNextOneGo() {
        start(config().concurrency(2));
        submit("a1", "a2", "a3", "a4");
        assertGranted("a1@0", "a2@0");
        assertThat(scheduler.inFlight()).isEqualTo(2);

        answer("a1");
        assertGranted("a3@0");
        answer("a3");
        assertGranted("a4@0");
        answer("a2", "a4");
        assertGranted();
        assertThat(scheduler.inFlight()).isZero();
    }

    @Test
    void thePerHostCapHoldsForEachHostUnderTheGlobalOne() {
        start(config().concurrency(10).perHost(2));
        submit("a1", "a2", "a3", "b1", "b2", "b3");
        assertGranted("a1@0", "a2@0", "b1@0", "b2@0");

        answer("b1");
        assertGranted("b3@0");
        answer("a2");
        assertGranted("a3@0");
    }

    @Test
    void hostsTakeTurnsForGlobalSlotsWhateverTheOrderTheirUrlsCameIn() {
        start(config().concurrency(2).perHost(2));
        submit("a1", "a2", "a3", "a4", "b1", "b2", "b3");
        assertGranted("a1@0", "a2@0");

        // b waited in the ring while a held both global slots: a's first release goes to b, then they alternate.
        answer("a1");
        assertGranted("b1@0");
        answer("a2");
        assertGranted("a3@0");
        answer("b1");
        assertGranted("b2@0");
        answer("a3");
        assertGranted("a4@0");
        answer("b2");
        assertGranted("b3@0");
    }

    // --- rates ---

    @Test
    void theGlobalRateSpacesGrantsExactlyOneIntervalApartWithNoBurstAfterAPause() {
        start(config().concurrency(10).ratePerSecond(10));
        submit("a1", "b1", "c1", "a2");
        assertGranted("a1@0");
        time.advanceMillis(99);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("b1@100");
        time.advanceMillis(200);
        assertGranted("c1@200", "a2@300");

        time.advanceMillis(1_000); // idle: a bucket of depth one saves up no burst
        submit("a3", "b2");
        assertGranted("a3@1300");
        time.advanceMillis(100);
        assertGranted("b2@1400");
    }

    @Test
    void thePerHostRateSpacesEachHostAndHostsDoNotWaitForEachOther() {
        start(config().concurrency(10).perHostRate(10));
        submit("a1", "a2", "a3", "b1", "b2");
        assertGranted("a1@0", "b1@0");
        time.advanceMillis(100);
        assertGranted("a2@100", "b2@100");
        time.advanceMillis(99);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("a3@200");
    }

    @Test
    void aGrantThatSentNothingGivesItsIntervalBack() {
        start(config().concurrency(10).perHostRate(10));
        submit("a1", "a2", "a3");
        assertGranted("a1@0");
        time.advanceMillis(10);
        notSent("a1"); // robots.txt disallows it
        assertGranted("a2@10");
        time.advanceMillis(100);
        assertGranted("a3@110");
    }

    @Test
    void aGrantThatSentNothingGivesNoIntervalBackOnceALaterGrantFollowedIt() {
        // a1 waited for robots.txt (loaded by another URL's grant) and sent nothing; b1 was sent meanwhile. Giving a1's
        // interval back then would let c1 start 50 ms after b1, under a rate of one per 100 ms.
        start(config().concurrency(10).ratePerSecond(10));
        submit("a1", "b1", "c1");
        time.advanceMillis(150);
        assertGranted("a1@0", "b1@100");
        notSent("a1");
        time.advanceMillis(49);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("c1@200");
    }

    @Test
    void aGrantThatSentNothingGivesNoHostIntervalBackOnceALaterGrantToTheHostFollowedIt() {
        start(config().concurrency(10).perHostRate(10));
        submit("a1", "a2", "a3");
        time.advanceMillis(150);
        assertGranted("a1@0", "a2@100");
        notSent("a1");
        time.advanceMillis(49);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("a3@200");
    }

    @Test
    void aCrawlDelayPacesItsHostFromTheAnswerThatBroughtIt() {
        start(config().concurrency(10).perHostRate(4)); // 250 ms
        submit("a1", "b1");
        assertGranted("a1@0", "b1@0");
        time.advanceMillis(50);
        scheduler.pace("a", Duration.ofSeconds(2)); // robots.txt, fetched by a1, asks for a Crawl-delay of 2 s
        scheduler.pace("b", Duration.ofMillis(100)); // below the per-host rate: the rate, from now
        answer("a1", "b1");
        submit("a2", "a3", "b2");
        time.advanceMillis(249);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("b2@300");
        time.advanceMillis(1_749);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("a2@2050");
        answer("a2");
        time.advanceMillis(2_000);
        assertGranted("a3@4050");
    }

    // --- hold-back after 429/503 ---

    @Test
    void aHostPushingBackOnMostRequestsIsHeldBackAsAWholeForItsRetryAfterAndItsCapHalves() {
        start(config().concurrency(10).perHost(4));
        submit("a1", "a2", "a3", "a4", "b1");
        assertGranted("a1@0", "a2@0", "a3@0", "a4@0", "b1@0");
        time.advanceMillis(10);
        submit("a5", "a6", "a7");

        // Four of the host's five answers so far are not yet a quota: those URLs wait on their own.
        for (String u : List.of("a1", "a2", "a3")) {
            assertThat(throttle(u, Duration.ofSeconds(2)).hostHeldBack()).isFalse();
        }
        answer("b1");
        assertGranted("a5@10", "a6@10", "a7@10");
        time.advanceMillis(1);
        throttle("a4", Duration.ofSeconds(2));
        assertThat(throttle("a5", Duration.ofSeconds(2)).hostHeldBack()).as("the fifth pushback in five answers").isTrue();
        assertEvents("a held back 2000 ms, new, Retry-After");
        // a6 and a7 were sent before the block began: their 429s are the same event (the Retry-After is honoured again,
        // from when each came: the block grows by that much), and no new one.
        time.advanceMillis(5);
        throttle("a6", Duration.ofSeconds(2));
        assertEvents("a held back 5 ms, Retry-After");
        answer("a7");
        scheduler.resubmit(url("a5"));
        submit("a8", "a9", "b2");
        assertGranted("b2@16");

        time.advanceMillis(1_999);
        assertGranted();
        time.advanceMillis(1);
        // The cap of 4 halved (an answer since regained a little of it), and a5 goes first: it was put back at the head.
        assertGranted("a5@2016", "a8@2016");
    }

    @Test
    void withoutRetryAfterTheHoldBackGrowsByTheBackOffAndAnAnswerStartsItAgain() {
        start(config().concurrency(10).perHost(5).backoffBase(Duration.ofMillis(250)));
        submit("a1", "a2", "a3", "a4", "a5");
        time.advanceMillis(10);
        throttle("a1", null);
        throttle("a2", null);
        throttle("a3", null);
        throttle("a4", null);
        throttle("a5", null);
        assertEvents("a held back 250 ms, new");
        granted.clear();
        submit("a6", "a7", "a8", "a9");

        time.advanceMillis(250);
        assertGranted("a6@260", "a7@260");
        time.advanceMillis(10);
        throttle("a6", null);
        assertEvents("a held back 500 ms, new"); // sent after the block began: a new event, one step up
        time.advanceMillis(10);
        throttle("a7", null);
        assertEvents(); // sent before it began: the same event

        time.advanceMillis(489);
        assertGranted();
        time.advanceMillis(1);
        assertGranted("a8@770");
        time.advanceMillis(10);
        answer("a8"); // a good answer: the next pushback starts the growth again
        assertGranted("a9@780");
        time.advanceMillis(10);
        throttle("a9", null);
        assertEvents("a held back 250 ms, new");
    }

    @Test
    void maxRetryAfterCapsTheHoldBack() {
        start(config().concurrency(10).perHost(5).maxRetryAfter(Duration.ofSeconds(60)));
        submit("a1", "a2", "a3", "a4", "a5");
        for (String u : List.of("a1", "a2", "a3", "a4", "a5")) {
            throttle(u, Duration.ofHours(1));
        }
        assertEvents("a held back 60000 ms, new, Retry-After");
        granted.clear();
        submit("a6");
        time.advance(Duration.ofSeconds(60).minusNanos(1));
        assertGranted();
        time.advance(Duration.ofNanos(1));
        assertGranted("a6@60000");
    }

    // --- retries ---

    @Test
    void aRetryGoesFirstInItsHostsLineOnceItsDelayIsOverNotBehindTheBacklog() {
        start(config().concurrency(10).perHost(1));
        submit("a1", "a2", "a3", "a4");
        assertGranted("a1@0");
        time.advanceMillis(10);
        assertThat(throttle("a1", Duration.ofMillis(250)).hostHeldBack()).as("one 429 is about one URL").isFalse();
        scheduler.submitAfter(url("a1"), Duration.ofMillis(250)); // as the URL's job does: holding nothing meanwhile
        assertGranted("a2@10");

        time.advanceMillis(300);
        answer("a2");
        assertGranted("a1@310");
        answer("a1");
        assertGranted("a3@310");
    }

    // --- the breaker ---

    @Test
    void refusalsInARowOpenTheBreakerAndTheHostsUrlsAreRefusedUntilTheCooldownEnds() {
        start(config().concurrency(10).perHost(3).breakerFailures(3).breakerCooldown(Duration.ofSeconds(30)));
        submit("a1", "a2", "a3", "a4", "a5", "a6", "a7", "b1");
        assertGranted("a1@0", "a2@0", "a3@0", "b1@0");
        time.advanceMillis(10);
        refuse("a1", "a2");
        assertGranted("a4@10", "a5@10");
        refuse("a3");
        assertEvents("a breaker opened");
        assertRefused("a6 host_down", "a7 host_down");
        refuse("a4", "a5"); // sent before it opened
        answer("b1");
        assertEvents();

        time.advance(Duration.ofSeconds(30).minusNanos(1));
        submit("a8");
        assertRefused("a8 host_down");
        time.advance(Duration.ofNanos(1));
        submit("a9", "a10");
        assertGranted("a9@30010"); // the probe; a10 waits for its answer
        assertThat(url("a9").permit.livenessCheck()).isFalse();
        answer("a9");
        assertEvents("a breaker closed");
        assertGranted("a10@30010");
    }

    @Test
    void aProbeAnsweredWith429ClosesTheBreakerAndSaysSo() {
        start(config().concurrency(10).perHost(1).breakerFailures(1).breakerCooldown(Duration.ofSeconds(30)));
        submit("a1");
        refuse("a1");
        assertEvents("a breaker opened");
        time.advanceMillis(30_000);
        submit("a2", "a3");
        throttle("a2", null); // the host is back, and busy: it answered
        // The run's record and the metrics' open breakers hear that it closed (they did not: the host stayed down there).
        assertEvents("a breaker closed");
        assertGranted("a1@0", "a2@30000", "a3@30000");
    }

    @Test
    void anAnswerBetweenRefusalsStartsTheCountAgain() {
        start(config().concurrency(10).perHost(1).breakerFailures(2));
        submit("a1", "a2", "a3", "a4");
        refuse("a1");
        answer("a2");
        refuse("a3");
        assertEvents();
        assertGranted("a1@0", "a2@0", "a3@0", "a4@0");
    }

    @Test
    void aProbeThatFailsOpensTheBreakerForAnotherCooldown() {
        start(config().concurrency(10).perHost(1).breakerFailures(1).breakerCooldown(Duration.ofSeconds(30)));
        submit("a1");
        refuse("a1");
        assertEvents("a breaker opened");
        time.advanceMillis(30_000);
        submit("a2", "a3");
        assertGranted("a1@0", "a2@30000");
        time.advanceMillis(10);
        refuse("a2");
        assertRefused("a3 host_down");
        assertEvents(); // still the same opening
        time.advanceMillis(29_999);
        submit("a4");
        assertRefused("a4 host_down");
        time.advanceMillis(1);
        submit("a5");
        assertGranted("a5@60010");
    }

    @Test
    void timeoutsInARowDoNotOpenTheBreakerButMakeTheHostSuspectAndALivenessCheckThatIsAnsweredLetsItGoOn() {
        start(config().concurrency(10).perHost(3).breakerFailures(3));
        submit("a1", "a2", "a3", "a4", "a5", "a6");
        time.advanceMillis(10);
        timeOut("a1", "a2");
        assertGranted("a1@0", "a2@0", "a3@0", "a4@10", "a5@10");
        timeOut("a3");
        // Three in a row with no answer between: the next grant asks the host itself, and the others wait for it.
        assertGranted("a6@10");
        assertThat(url("a6").permit.livenessCheck()).isTrue();
        submit("a7");
        timeOut("a4", "a5");
        assertGranted();

        // robots.txt answered: the host is alive. Its slots free, a7 goes at once; a6 queues again, first in line.
        answer("a6");
        scheduler.resubmit(url("a6"));
        assertGranted("a7@10", "a6@10");
        assertThat(url("a6").permit.livenessCheck()).isFalse();
        assertEvents();
    }

    @Test
    void aLivenessCheckThatIsNotAnsweredEitherOpensTheBreaker() {
        start(config().concurrency(10).perHost(2).breakerFailures(2));
        submit("a1", "a2", "a3", "a4", "a5");
        timeOut("a1", "a2");
        assertGranted("a1@0", "a2@0", "a3@0", "a4@0");
        assertThat(url("a3").permit.livenessCheck()).as("granted before the second timeout").isFalse();
        assertThat(url("a4").permit.livenessCheck()).isTrue();
        timeOut("a4");
        assertEvents("a breaker opened");
        assertRefused("a5 host_down");
        assertThat(scheduler.resubmit(url("a4"))).isTrue();
        assertRefused("a4 host_down");
    }

    @Test
    void refusalsAndTimeoutsCountTogetherAndTheOneThatReachesTheThresholdDecides() {
        start(config().concurrency(10).perHost(1).breakerFailures(3));
        submit("a1", "a2", "a3", "b1", "b2", "b3");
        timeOut("a1", "b1");
        timeOut("a2", "b2");
        refuse("a3");
        timeOut("b3");
        assertEvents("a breaker opened"); // b: the third was a timeout, so b is only suspect
        submit("a4", "b4");
        assertRefused("a4 host_down");
        assertGranted("a1@0", "b1@0", "a2@0", "b2@0", "a3@0", "b3@0", "b4@0");
        assertThat(url("b4").permit.livenessCheck()).isTrue();
    }

    // --- the adaptive limit ---

    @Test
    void anAdaptiveLimitDoublesAfterARoundAtTheLimitWithFlatLatencyAndHalvesAfterARoundWithAShed() {
        start(config().concurrency(64).adaptive(true));
        for (int i = 1; i <= 40; i++) {
            submit("a" + i);
        }
        assertGranted("a1@0", "a2@0", "a3@0", "a4@0"); // the adaptive limit starts at 4
        // A round is four requests granted at the limit (a4..a7), each answered 10 ms after its grant.
        time.advanceMillis(10);
        answer("a1", "a2", "a3", "a4");
        assertGranted("a5@10", "a6@10", "a7@10", "a8@10");
        time.advanceMillis(10);
        answer("a5", "a6");
        assertGranted("a9@20", "a10@20");
        answer("a7");
        assertEvents("a limit 8");
        assertThat(scheduler.limit()).isEqualTo(8);
        assertGranted("a11@20", "a12@20", "a13@20", "a14@20", "a15@20");
        assertThat(scheduler.inFlight()).isEqualTo(8);

        // Requests granted before the limit changed, or below it, are no samples: a8..a14. A round at the new limit
        // is eight requests granted with 8 in flight (a15 and those granted after it), and one refused halves it.
        time.advanceMillis(10);
        answer("a8", "a9", "a10", "a11", "a12", "a13", "a14", "a15");
        assertGranted("a16@30", "a17@30", "a18@30", "a19@30", "a20@30", "a21@30", "a22@30", "a23@30");
        refuse("a16");
        answer("a17", "a18", "a19", "a20", "a21");
        assertEvents();
        granted.clear();
        answer("a22");
        assertEvents("a limit 4");
        assertThat(scheduler.limit()).isEqualTo(4);
        assertGranted();
        assertThat(scheduler.inFlight()).isEqualTo(7);
        answer("a23", "a24", "a25");
        assertGranted();
        answer("a26");
        assertGranted("a30@30");
    }

    // --- shared slots ---

    @Test
    void withSharedSlotsAHostSendsOnlyOnTheSlotsItHolds() {
        start(config().concurrency(10).perHost(4), true);
        List<String> wanted = new ArrayList<>();
        scheduler.onSlotsWanted(() -> {
            noLock("slotsWanted");
            wanted.add("wanted@" + at());
        });
        submit("a1", "a2", "a3");
        assertGranted();
        assertThat(wanted).isNotEmpty();
        assertThat(scheduler.slotNeeds()).containsExactly(new Scheduler.SlotNeed("a", 4, 3, 0, 0));

        assertThat(scheduler.setSlots("a", 2)).isZero();
        assertGranted("a1@0", "a2@0");
        scheduler.loseAllSlots();
        answer("a1");
        assertGranted();
        assertThat(scheduler.setSlots("a", 1)).as("in flight").isEqualTo(1);
        answer("a2");
        assertGranted("a3@0");
    }

    // --- shutdown ---

    @Test
    void shutdownReturnsEveryUrlStillWaitingAndGrantsNothingMore() {
        start(config().concurrency(1));
        submit("a1", "a2", "b1");
        scheduler.submitAfter(new Url("c1"), Duration.ofSeconds(1));
        assertGranted("a1@0");

        List<Scheduler.Task> waiting = scheduler.shutdown();
        assertThat(waiting).extracting(t -> ((Url) t).name).containsExactlyInAnyOrder("a2", "b1", "c1");
        assertThat(time.isShutdown()).isTrue();
        answer("a1");
        assertGranted();
        assertThat(scheduler.submit(new Url("a3"))).isFalse();
        assertThat(scheduler.submitAfter(new Url("a4"), Duration.ZERO)).isFalse();
        assertThat(scheduler.shutdown()).isEmpty();
    }
}

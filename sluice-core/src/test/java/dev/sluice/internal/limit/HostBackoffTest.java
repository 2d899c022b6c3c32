package dev.sluice.internal.limit;

import dev.sluice.internal.fetch.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A host's back-off on 429/503, driven with explicit instants and a fixed "random" draw. */
class HostBackoffTest {
    private static final long S = 1_000_000_000L;
    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));

    @Test
    void retryAfterBlocksTheHostForThatLongCappedByMaxRetryAfter() {
        HostBackoff b = new HostBackoff(policy, bound -> 0, 0);
        b.throttled(0, Duration.ofSeconds(2), 10 * S);
        assertThat(b.blockedUntil()).isEqualTo(12 * S);
        b.throttled(11 * S, Duration.ofHours(1), 11 * S);
        assertThat(b.blockedUntil()).isEqualTo(71 * S);
    }

    @Test
    void withoutRetryAfterTheBlockGrowsPerEventWithEqualJitter() {
        HostBackoff least = new HostBackoff(policy, bound -> 0, 0);
        HostBackoff most = new HostBackoff(policy, bound -> bound - 1, 0);
        for (HostBackoff b : new HostBackoff[] {least, most}) {
            b.throttled(0, null, 0);          // event 1: step 1 s
            b.throttled(2 * S, null, 2 * S);  // event 2: step 2 s
            b.throttled(5 * S, null, 5 * S);  // event 3: step 4 s
        }
        assertThat(least.blockedUntil()).isEqualTo(5 * S + 2 * S);
        assertThat(most.blockedUntil()).isEqualTo(5 * S + 4 * S);
    }

    @Test
    void answersToRequestsSentBeforeTheBlockAreTheSameEvent() {
        HostBackoff b = new HostBackoff(policy, bound -> bound - 1, 0);
        b.throttled(0, null, S);
        long first = b.blockedUntil();
        for (int i = 0; i < 7; i++) { // seven more 429s to requests that were already in flight
            b.throttled(S / 2, null, S + i);
        }
        assertThat(b.blockedUntil()).isEqualTo(first);
        b.throttled(first + 1, null, first + 1); // a request sent after the block: a new event, a longer block
        assertThat(b.blockedUntil() - (first + 1)).isEqualTo(2 * S);
    }

    @Test
    void aGoodAnswerStartsTheGrowthAgain() {
        HostBackoff b = new HostBackoff(policy, bound -> bound - 1, 0);
        for (int i = 0; i < 4; i++) { // 4 in a row: a step of 8 s
            long t = i * 100 * S;
            b.throttled(t, null, t);
        }
        b.answered();
        long now = 1000 * S;
        b.throttled(now, null, now);
        assertThat(b.blockedUntil() - now).as("the first step again").isEqualTo(S);
        b.answered();
        assertThat(b.atRest(b.blockedUntil())).isTrue();
    }

    @Test
    void aHostThrottlingHalfTheTimeKeepsShortBlocks() {
        HostBackoff b = new HostBackoff(policy, bound -> bound - 1, 0);
        java.util.Random coin = new java.util.Random(3);
        long now = 0;
        int events = 0;
        int longBlocks = 0;
        for (int i = 0; i < 10_000; i++) {
            now = Math.max(now, b.blockedUntil()) + 1;
            if (coin.nextBoolean()) {
                b.throttled(now, null, now);
                events++;
                longBlocks += b.blockedUntil() - now >= 8 * S ? 1 : 0;
            } else {
                b.answered();
            }
        }
        // Only 4 or more 429s in a row reach 8 s (1 event in 8); a level drifting like a random walk sits at the cap.
        assertThat(longBlocks).as("blocks of 8 s or more, of %d", events).isLessThan(events / 6);
    }
}

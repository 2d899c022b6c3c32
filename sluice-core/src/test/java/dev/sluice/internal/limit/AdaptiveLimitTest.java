package dev.sluice.internal.limit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive limit against model servers, driven round by round with no clock and no network. */
class AdaptiveLimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Runs {@code rounds} rounds in which the host always has URLs waiting; returns the last limit. */
    private static int drive(AdaptiveLimit limit, IntToLongFunction latencyAt, int rounds) {
        for (int r = 0; r < rounds; r++) {
            int n = limit.current();
            for (int i = 0; i < Math.max(4, n); i++) {
                limit.onSample(limit.round(), latencyAt.applyAsLong(n), n, false);
            }
        }
        return limit.limit();
    }

    @Test
    void growsWhileLatencyStaysFlatUpToItsCeiling() {
        assertThat(drive(new AdaptiveLimit(4, 64), n -> 20 * MS, 200)).isEqualTo(64);
    }

    @Test
    void settlesAtTheKneeOfAServerWhoseLatencyClimbsAboveEightInFlight() {
        AdaptiveLimit limit = new AdaptiveLimit(4, 256);
        IntToLongFunction knee = n -> (20 + Math.max(0, n - 8) * 20L) * MS;
        drive(limit, knee, 50);
        for (int r = 0; r < 200; r++) {
            assertThat(drive(limit, knee, 1)).as("round %d after settling", r).isBetween(6, 10);
        }
    }

    @Test
    void probesAtHalfTheLimitNowAndThenToSeeTheServerUnloaded() {
        AdaptiveLimit limit = new AdaptiveLimit(4, 256);
        IntToLongFunction knee = n -> (20 + Math.max(0, n - 8) * 20L) * MS;
        drive(limit, knee, 50);
        int probes = 0;
        for (int r = 0; r < 160; r++) {
            if (limit.current() < limit.limit()) {
                probes++;
                assertThat(limit.current()).isEqualTo(limit.limit() / 2);
            }
            drive(limit, knee, 1);
        }
        assertThat(probes).isEqualTo(160 / AdaptiveLimit.PROBE_EVERY);
    }

    @Test
    void aBigServerWithNoisyLatencyIsNotMistakenForAQueue() {
        // 200 workers of 10 ms each; every round trip jittered by a tenth (seeded, so the test is repeatable).
        java.util.Random noise = new java.util.Random(7);
        AdaptiveLimit limit = new AdaptiveLimit(4, 256);
        IntToLongFunction server = n -> (long) (10 * MS * Math.max(1, n / 200.0) * (1 + 0.1 * noise.nextGaussian()));
        drive(limit, server, 300);
        for (int r = 0; r < 100; r++) {
            assertThat(drive(limit, server, 1)).as("round %d", r).isBetween(150, 256);
        }
    }

    @Test
    void halvesOnARoundWithSheddingAndNeverGoesBelowOne() {
        AdaptiveLimit limit = new AdaptiveLimit(32, 64);
        for (int i = 0; i < 32; i++) {
            limit.onSample(limit.round(), 5 * MS, 32, i % 2 == 0);
        }
        assertThat(limit.limit()).isEqualTo(16);
        for (int i = 0; i < 1000; i++) {
            limit.onSample(limit.round(), 5 * MS, 1, true);
        }
        assertThat(limit.limit()).isEqualTo(1);
    }

    @Test
    void ignoresAnswersToRequestsGrantedInAnEarlierRound() {
        AdaptiveLimit limit = new AdaptiveLimit(8, 64);
        int early = limit.round();
        for (int i = 0; i < 8; i++) {
            limit.onSample(limit.round(), 20 * MS, 8, false);
        }
        assertThat(limit.round()).isEqualTo(early + 1);
        for (int i = 0; i < 100; i++) {
            assertThat(limit.onSample(early, 20 * MS, 8, true)).isFalse();
        }
        assertThat(limit.limit()).isEqualTo(16);
    }

    @Test
    void doesNotGrowWhenTheHostNeverFillsItsLimit() {
        AdaptiveLimit limit = new AdaptiveLimit(8, 64);
        for (int i = 0; i < 1000; i++) {
            limit.onSample(limit.round(), 20 * MS, 3, false);
        }
        assertThat(limit.limit()).isEqualTo(8);
    }

    @Test
    void followsAServerThatGotSlowerForGoodInsteadOfShrinkingForever() {
        AdaptiveLimit limit = new AdaptiveLimit(4, 64);
        drive(limit, n -> 20 * MS, 100);
        assertThat(drive(limit, n -> 80 * MS, 100)).isEqualTo(64);
    }
}

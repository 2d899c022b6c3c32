package dev.sluice.internal.fetch;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The back-off schedule as properties over many generated configurations (seeded, so a failure
 * names its seed and replays): bounded by min(cap, base × 2^(n−1)), never negative, non-decreasing
 * ceilings, Retry-After honoured exactly up to its cap.
 */
class RetryPolicyTest {

    @RepeatedTest(200)
    void delaysStayWithinTheExponentialCeiling(RepetitionInfo info) {
        long seed = 0x5eed_0000L + info.getCurrentRepetition();
        Random random = new Random(seed);
        Duration base = Duration.ofMillis(1 + random.nextInt(2_000));
        Duration cap = base.plusMillis(random.nextInt(120_000));
        Duration maxRetryAfter = Duration.ofSeconds(1 + random.nextInt(300));
        AtomicLong lastBound = new AtomicLong();
        RetryPolicy policy = new RetryPolicy(base, cap, maxRetryAfter, bound -> {
            lastBound.set(bound);
            long pick = random.nextInt(3); // the extremes and the middle of the range
            return pick == 0 ? 0 : pick == 1 ? bound - 1 : bound / 2;
        });

        long previousCeiling = 0;
        for (int retry = 1; retry <= 80; retry++) {
            long expected = Math.min(cap.toNanos(), retry - 1 >= 62 ? Long.MAX_VALUE
                    : base.toNanos() > (Long.MAX_VALUE >> (retry - 1)) ? Long.MAX_VALUE : base.toNanos() << (retry - 1));
            long ceiling = policy.ceiling(retry);
            assertThat(ceiling).as("seed %d retry %d", seed, retry).isEqualTo(expected);
            assertThat(ceiling).as("seed %d: ceilings never decrease", seed).isGreaterThanOrEqualTo(previousCeiling);
            previousCeiling = ceiling;

            Duration delay = policy.delay(retry, null);
            assertThat(lastBound.get()).isEqualTo(ceiling + 1);
            assertThat(delay.toNanos()).as("seed %d retry %d", seed, retry).isBetween(0L, ceiling);
        }
        assertThat(previousCeiling).isEqualTo(cap.toNanos());
    }

    @RepeatedTest(50)
    void retryAfterIsHonouredUpToItsCap(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition());
        Duration maxRetryAfter = Duration.ofSeconds(1 + random.nextInt(120));
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), maxRetryAfter);
        Duration asked = Duration.ofMillis(random.nextInt(200_000));

        Duration delay = policy.delay(1 + random.nextInt(10), asked);

        assertThat(delay).isEqualTo(asked.compareTo(maxRetryAfter) <= 0 ? asked : maxRetryAfter);
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(60));
        long ceiling = policy.ceiling(4); // 800 ms
        long below = 0;
        long above = 0;
        for (int i = 0; i < 10_000; i++) {
            long d = policy.delay(4, null).toNanos();
            if (d < ceiling / 4) {
                below++;
            } else if (d > ceiling * 3 / 4) {
                above++;
            }
        }
        // uniform: a quarter in each tail; far from "all near the ceiling" (no jitter) or "all near zero"
        assertThat(below).isBetween(2_000L, 3_000L);
        assertThat(above).isBetween(2_000L, 3_000L);
    }

    @Test
    void retriesAreCountedFromOne() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3));
        assertThatThrownBy(() -> policy.delay(0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}

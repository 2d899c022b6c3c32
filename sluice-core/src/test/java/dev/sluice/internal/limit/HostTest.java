package dev.sluice.internal.limit;

import dev.sluice.internal.fetch.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A fixed per-host cap after the host pushed back: halved per event, regained one slot per round. */
class HostTest {
    private static Host host(int cap) {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60));
        return new Host("h:80", cap, null, new HostBackoff(policy, b -> 0, 0), new HostBreaker(5, 1), 0);
    }

    @Test
    void aThrottledHostIsNotHitAtItsFullCapTheMomentItsBlockEnds() {
        Host h = host(8);
        h.shrink();
        assertThat(h.limit()).isEqualTo(4);
        h.shrink();
        h.shrink();
        h.shrink();
        assertThat(h.limit()).as("never below one").isEqualTo(1);
    }

    @Test
    void goodAnswersGiveBackOneSlotPerRoundOfAnswersAtTheCapInUse() {
        Host h = host(8);
        h.shrink(); // 4
        for (int i = 0; i < 4; i++) { // a round at 4
            h.regain();
        }
        assertThat(h.limit()).isEqualTo(5);
        for (int i = 0; i < 5 + 6 + 7; i++) { // rounds at 5, 6 and 7
            h.regain();
        }
        assertThat(h.limit()).isEqualTo(8);
        assertThat(h.capWhole()).isTrue();
        h.regain();
        assertThat(h.limit()).as("never above the cap").isEqualTo(8);
    }
}

package dev.sluice.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostBreakerTest {
    private static final long COOLDOWN = 30;

    @Test
    void opensAfterThresholdFailuresInARowAndAnAnswerResetsTheCount() {
        HostBreaker b = new HostBreaker(3, COOLDOWN);
        assertThat(b.unreachable(0)).isFalse();
        assertThat(b.unreachable(1)).isFalse();
        b.answered();
        assertThat(b.unreachable(2)).isFalse();
        assertThat(b.unreachable(3)).isFalse();
        assertThat(b.admit(3)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.unreachable(4)).isTrue();
        assertThat(b.admit(5)).isEqualTo(HostBreaker.Admit.REFUSE);
    }

    @Test
    void afterTheCooldownOneProbeGoesAndTheOthersWaitForIt() {
        HostBreaker b = new HostBreaker(1, COOLDOWN);
        b.unreachable(0);
        assertThat(b.admit(COOLDOWN - 1)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.PROBE);
        b.probeSent();
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.WAIT);
        assertThat(b.answered()).as("the probe's answer closes it").isTrue();
        assertThat(b.admit(COOLDOWN + 1)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.atRest()).isTrue();
    }

    @Test
    void aFailedProbeOpensItForAnotherCooldown() {
        HostBreaker b = new HostBreaker(1, COOLDOWN);
        b.unreachable(0);
        b.probeSent();
        b.unreachable(COOLDOWN + 5);
        assertThat(b.admit(COOLDOWN + 6)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(2 * COOLDOWN + 5)).isEqualTo(HostBreaker.Admit.PROBE);
    }

    @Test
    void thresholdZeroNeverOpens() {
        HostBreaker b = new HostBreaker(0, COOLDOWN);
        for (int i = 0; i < 100; i++) {
            assertThat(b.unreachable(i)).isFalse();
        }
        assertThat(b.admit(100)).isEqualTo(HostBreaker.Admit.GO);
    }
}

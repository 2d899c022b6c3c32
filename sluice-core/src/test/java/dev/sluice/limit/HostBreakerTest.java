package dev.sluice.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostBreakerTest {
    private static final long COOLDOWN = 30;
    private static final long SILENCE = 100;

    @Test
    void opensAfterThresholdRefusalsInARowAndAnAnswerResetsTheCount() {
        HostBreaker b = new HostBreaker(3, COOLDOWN, SILENCE);
        b.sent(0, false);
        assertThat(b.refused(0)).isFalse();
        assertThat(b.refused(1)).isFalse();
        b.answered();
        assertThat(b.refused(2)).isFalse();
        assertThat(b.refused(3)).isFalse();
        assertThat(b.admit(3)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.refused(4)).isTrue();
        assertThat(b.admit(5)).isEqualTo(HostBreaker.Admit.REFUSE);
    }

    @Test
    void timeoutsCountOnlyOnceTheHostHasBeenSilentForTheWholeSilence() {
        HostBreaker b = new HostBreaker(2, COOLDOWN, SILENCE);
        b.sent(0, false);
        for (int i = 1; i <= 10; i++) {
            assertThat(b.timedOut(i * 9)).as("a timeout %d after the first request was sent", i * 9).isFalse();
        }
        assertThat(b.silentSince(50)).isTrue();
        assertThat(b.timedOut(SILENCE)).isFalse();
        assertThat(b.timedOut(SILENCE + 1)).as("the second timeout in a silent stretch").isTrue();
    }

    @Test
    void anAnswerBetweenTimeoutsMeansTheHostIsAliveAndRestartsTheSilenceAtTheNextRequest() {
        HostBreaker b = new HostBreaker(2, COOLDOWN, SILENCE);
        b.sent(0, false);
        b.sent(5, false);
        assertThat(b.answered()).isFalse();
        assertThat(b.silentSince(0)).isFalse();
        b.sent(60, false);
        assertThat(b.silentSince(50)).as("answered after 50").isFalse();
        assertThat(b.silentSince(60)).isTrue();
        assertThat(b.timedOut(150)).as("silent for 90 only").isFalse();
        assertThat(b.timedOut(159)).isFalse();
        assertThat(b.timedOut(160)).isFalse();
        assertThat(b.timedOut(161)).isTrue();
    }

    @Test
    void afterTheCooldownOneProbeGoesAndTheOthersWaitForIt() {
        HostBreaker b = new HostBreaker(1, COOLDOWN, SILENCE);
        b.sent(0, false);
        b.refused(0);
        assertThat(b.admit(COOLDOWN - 1)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.PROBE);
        b.sent(COOLDOWN, true);
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.WAIT);
        assertThat(b.answered()).as("the probe's answer closes it").isTrue();
        assertThat(b.admit(COOLDOWN + 1)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.atRest()).isTrue();
    }

    @Test
    void aProbeThatTimesOutOpensItForAnotherCooldown() {
        HostBreaker b = new HostBreaker(1, COOLDOWN, SILENCE);
        b.sent(0, false);
        b.refused(0);
        b.sent(COOLDOWN, true);
        b.timedOut(COOLDOWN + 5);
        assertThat(b.admit(COOLDOWN + 6)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(2 * COOLDOWN + 5)).isEqualTo(HostBreaker.Admit.PROBE);
    }

    @Test
    void thresholdZeroNeverOpens() {
        HostBreaker b = new HostBreaker(0, COOLDOWN, SILENCE);
        b.sent(0, false);
        for (int i = 0; i < 100; i++) {
            assertThat(b.refused(i)).isFalse();
            assertThat(b.timedOut(i * SILENCE)).isFalse();
        }
        assertThat(b.admit(100)).isEqualTo(HostBreaker.Admit.GO);
    }
}

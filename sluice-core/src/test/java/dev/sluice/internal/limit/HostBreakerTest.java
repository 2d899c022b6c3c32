package dev.sluice.internal.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostBreakerTest {
    private static final long COOLDOWN = 30;

    @Test
    void opensAfterThresholdRefusalsInARowAndAnAnswerResetsTheCount() {
        HostBreaker b = new HostBreaker(3, COOLDOWN);
        assertThat(b.refused(0, false)).isFalse();
        assertThat(b.refused(1, false)).isFalse();
        b.answered();
        assertThat(b.refused(2, false)).isFalse();
        assertThat(b.refused(3, false)).isFalse();
        assertThat(b.admit(3)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.refused(4, false)).isTrue();
        assertThat(b.admit(5)).isEqualTo(HostBreaker.Admit.REFUSE);
    }

    @Test
    void timeoutsInARowMakeItSuspectAndOneLivenessCheckDecides() {
        HostBreaker b = new HostBreaker(2, COOLDOWN);
        assertThat(b.timedOut(0, false)).isFalse();
        assertThat(b.timedOut(1, false)).as("timeouts alone never open it").isFalse();
        assertThat(b.suspect()).isTrue();
        assertThat(b.admit(1)).isEqualTo(HostBreaker.Admit.CHECK);
        b.asked();
        assertThat(b.admit(1)).as("the host's URLs wait for the check").isEqualTo(HostBreaker.Admit.WAIT);
        assertThat(b.timedOut(2, false)).as("another URL's timeout meanwhile").isFalse();
        assertThat(b.timedOut(3, true)).as("the check was not answered either").isTrue();
        assertThat(b.admit(4)).isEqualTo(HostBreaker.Admit.REFUSE);
    }

    @Test
    void aHostThatAnswersTheLivenessCheckIsNotDownAndItsUrlsGoOn() {
        HostBreaker b = new HostBreaker(2, COOLDOWN);
        b.timedOut(0, false);
        b.timedOut(1, false);
        b.asked();
        assertThat(b.answered()).as("it was never open").isFalse();
        assertThat(b.admit(2)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.atRest()).isTrue();
        assertThat(b.timedOut(3, false)).isFalse();
        assertThat(b.suspect()).as("the count started again").isFalse();
    }

    @Test
    void anAnswerFromAnyRequestWhileSuspectClosesIt() {
        HostBreaker b = new HostBreaker(2, COOLDOWN);
        b.timedOut(0, false);
        b.timedOut(1, false);
        b.asked();
        b.answered(); // a request sent before the suspicion is answered
        assertThat(b.admit(2)).isEqualTo(HostBreaker.Admit.GO);
    }

    @Test
    void afterTheCooldownOneProbeGoesAndTheOthersWaitForIt() {
        HostBreaker b = new HostBreaker(1, COOLDOWN);
        b.refused(0, false);
        assertThat(b.admit(COOLDOWN - 1)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.PROBE);
        b.asked();
        assertThat(b.admit(COOLDOWN)).isEqualTo(HostBreaker.Admit.WAIT);
        assertThat(b.answered()).as("the probe's answer closes it").isTrue();
        assertThat(b.admit(COOLDOWN + 1)).isEqualTo(HostBreaker.Admit.GO);
        assertThat(b.atRest()).isTrue();
    }

    @Test
    void aProbeThatTimesOutOpensItForAnotherCooldown() {
        HostBreaker b = new HostBreaker(1, COOLDOWN);
        b.refused(0, false);
        b.asked();
        b.timedOut(COOLDOWN + 5, true);
        assertThat(b.admit(COOLDOWN + 6)).isEqualTo(HostBreaker.Admit.REFUSE);
        assertThat(b.admit(2 * COOLDOWN + 5)).isEqualTo(HostBreaker.Admit.PROBE);
    }

    @Test
    void anAbandonedCheckLetsAnotherGo() {
        HostBreaker b = new HostBreaker(1, COOLDOWN);
        b.timedOut(0, false);
        b.asked();
        b.askAbandoned();
        assertThat(b.admit(1)).isEqualTo(HostBreaker.Admit.CHECK);
    }

    @Test
    void thresholdZeroNeverOpens() {
        HostBreaker b = new HostBreaker(0, COOLDOWN);
        for (int i = 0; i < 100; i++) {
            assertThat(b.refused(i, false)).isFalse();
            assertThat(b.timedOut(i, false)).isFalse();
        }
        assertThat(b.admit(100)).isEqualTo(HostBreaker.Admit.GO);
    }
}

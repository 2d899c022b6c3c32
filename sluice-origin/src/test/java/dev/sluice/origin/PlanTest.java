package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlanTest {
    @Test
    void delayGrowsByKneeStepPerRequestInFlightBeyondTheKnee() {
        Plan plan = plan("latency=20&knee=8&kneeStep=20");

        assertThat(plan.delayMs(1)).isEqualTo(20);
        assertThat(plan.delayMs(8)).isEqualTo(20);
        assertThat(plan.delayMs(9)).isEqualTo(40);
        assertThat(plan.delayMs(10)).isEqualTo(60);
    }

    @Test
    void kneeDefaultsToZeroAndKneeStepToNothing() {
        assertThat(plan("kneeStep=5").delayMs(3)).isEqualTo(15);
        assertThat(plan("knee=2").delayMs(30)).isZero();
        assertThat(plan("latency=7").delayMs(1000)).isEqualTo(7);
    }

    @Test
    void kneeDelayDoesNotOverflow() {
        assertThat(plan("knee=0&kneeStep=999999999").delayMs(1000)).isEqualTo(999_999_999_000L);
    }

    @Test
    void rejectsBadKneeParameters() {
        assertThatThrownBy(() -> plan("knee=-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("knee");
        assertThatThrownBy(() -> plan("kneeStep=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kneeStep");
    }

    @Test
    void throttleOfOneAlwaysFailsAndOfZeroNever() {
        for (String p : new String[] {"1", "1.0", "1.000"}) {
            assertThat(plan("throttle=" + p).throttled()).as(p).isTrue();
        }
        for (String p : new String[] {"0", "0.0", ".0"}) {
            assertThat(plan("throttle=" + p).throttled()).as(p).isFalse();
        }
        assertThat(plan("").throttled()).isFalse();
    }

    @Test
    void rejectsThrottleOutsideZeroToOne() {
        for (String p : new String[] {"1.5", "2", "-0.1", "0.5x", "half", ".", "", "1e-3", "NaN"}) {
            assertThatThrownBy(() -> plan("throttle=" + p)).as(p)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("throttle");
        }
    }

    @Test
    void rejectsEtagsThatCannotBeQuotedAndDatesBeyondHttpDates() {
        for (String query : new String[] {"etag=", "etag=a%22b", "etag=a,b", "etag=a%20b", "etag=caf%C3%A9"}) {
            assertThatThrownBy(() -> plan(query)).as(query)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("etag");
        }
        String[] badDates = {"lastModified=", "lastModified=-1", "lastModified=123456789012", "lastModified=x"};
        for (String query : badDates) {
            assertThatThrownBy(() -> plan(query)).as(query)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lastModified");
        }
        assertThat(plan("etag=W/v1-%7Bx%7D&lastModified=99999999999").etag()).isEqualTo("W/v1-{x}");
    }

    private static Plan plan(String rawQuery) {
        return Plan.of(Query.parse(rawQuery));
    }
}

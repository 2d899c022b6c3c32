package dev.sluice.internal.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PushbackWindowTest {
    @Test
    void aFewPushbacksAtTheStartAreNotAQuota() {
        PushbackWindow w = new PushbackWindow();
        for (int i = 0; i < PushbackWindow.AT_LEAST - 1; i++) {
            w.record(true);
        }
        assertThat(w.mostlyPushingBack()).as("4 of 4").isFalse();
        w.record(true);
        assertThat(w.mostlyPushingBack()).as("5 of 5").isTrue();
    }

    @Test
    void mostMeansMoreThanHalfOfTheLastAnswers() {
        PushbackWindow w = new PushbackWindow();
        for (int i = 0; i < PushbackWindow.SIZE; i++) {
            w.record(i % 2 == 0);
        }
        assertThat(w.mostlyPushingBack()).as("10 of 20").isFalse();
        w.record(true); // replaces the oldest, a pushback
        assertThat(w.pushbacks()).isEqualTo(10);
        w.record(true); // replaces an answer
        assertThat(w.mostlyPushingBack()).as("11 of 20").isTrue();
    }

    @Test
    void oldPushbacksAgeOutOfTheWindow() {
        PushbackWindow w = new PushbackWindow();
        for (int i = 0; i < PushbackWindow.SIZE; i++) {
            w.record(true);
        }
        assertThat(w.mostlyPushingBack()).isTrue();
        for (int i = 0; i < PushbackWindow.SIZE / 2; i++) {
            w.record(false);
        }
        assertThat(w.mostlyPushingBack()).as("10 of 20").isFalse();
        assertThat(w.answers()).isEqualTo(PushbackWindow.SIZE);
    }

    @Test
    void oneUrlInTenPushingBackTwiceNeverLooksLikeAQuota() {
        PushbackWindow w = new PushbackWindow();
        for (int url = 0; url < 1_000; url++) {
            boolean pushesBack = url % 10 == 0;
            if (pushesBack) {
                w.record(true);
                w.record(true);
            }
            w.record(false);
            assertThat(w.mostlyPushingBack()).isFalse();
        }
    }
}

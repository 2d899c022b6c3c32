package dev.sluice;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config's builder: the one place its values are checked; a rejected one names its setting, the rule and the value. */
class SluiceConfigTest {
    private static void rejects(UnaryOperator<SluiceConfig.Builder> set, String setting, String message) {
        assertThatThrownBy(() -> set.apply(SluiceConfig.builder()).build())
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(setting);
                    assertThat(e.getMessage()).isEqualTo(setting + ": " + message);
                    assertThat(e.messageFor("--option")).isEqualTo("--option: " + message);
                });
    }

    @Test
    void eachRejectedValueNamesItsSettingTheRuleAndTheValue() {
        rejects(b -> b.concurrency(0), "concurrency", "must be at least 1 (was 0)");
        rejects(b -> b.perHost(0), "perHost", "must be at least 1 (was 0)");
        rejects(b -> b.ratePerSecond(-0.5), "ratePerSecond", "must be a number of requests per second, 0 (unlimited) or more (was -0.5)");
        rejects(b -> b.perHostRate(Double.NaN), "perHostRate", "must be a number of requests per second, 0 (unlimited) or more (was NaN)");
        rejects(b -> b.perHostRate(Double.POSITIVE_INFINITY), "perHostRate",
                "must be a number of requests per second, 0 (unlimited) or more (was Infinity)");
        rejects(b -> b.breakerFailures(-1), "breakerFailures", "must be at least 0 (was -1)");
        rejects(b -> b.breakerCooldown(Duration.ZERO), "breakerCooldown", "must be longer than 0 (was 0s)");
        rejects(b -> b.timeout(Duration.ofMillis(-250)), "timeout", "must be longer than 0 (was -250ms)");
        rejects(b -> b.maxBodyBytes(0), "maxBodyBytes", "must be at least 1 byte and below 2GiB (was 0 bytes)");
        rejects(b -> b.maxBodyBytes(Integer.MAX_VALUE), "maxBodyBytes", "must be at least 1 byte and below 2GiB (was 2147483647 bytes)");
        rejects(b -> b.maxRedirects(-1), "maxRedirects", "must be at least 0 (was -1)");
        rejects(b -> b.retries(-1), "retries", "must be at least 0 (was -1)");
        rejects(b -> b.backoffBase(Duration.ZERO), "backoffBase", "must be longer than 0 (was 0s)");
        rejects(b -> b.backoffBase(Duration.ofSeconds(2)).backoffCap(Duration.ofMillis(1500)), "backoffCap",
                "must be at least backoffBase (2s) (was 1500ms)");
        rejects(b -> b.maxRetryAfter(Duration.ZERO), "maxRetryAfter", "must be longer than 0 (was 0s)");
        rejects(b -> b.processThreads(0), "processThreads", "must be at least 1 (was 0)");
        rejects(b -> b.processTimeout(Duration.ofNanos(-1)), "processTimeout", "must be longer than 0 (was PT-0.000000001S)");
        rejects(b -> b.processMemoryBytes(0), "processMemoryBytes", "must be at least 1 byte (was 0 bytes)");
        rejects(b -> b.grace(Duration.ofSeconds(-1)), "grace", "must not be negative (was -1s)");
        rejects(b -> b.window(-1), "window", "must be at least 0 (was -1)");
        rejects(b -> b.writeBatchRows(0), "writeBatchRows", "must be at least 1 (was 0)");
        rejects(b -> b.writeBatchDelay(Duration.ZERO), "writeBatchDelay", "must be longer than 0 (was 0s)");
        rejects(b -> b.storeOutage(Duration.ZERO), "storeOutage", "must be longer than 0 (was 0s)");
        rejects(b -> b.maxRequests(-2), "maxRequests", "must be at least 0, or -1 for no limit (was -2)");
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        SluiceConfig c = SluiceConfig.builder().concurrency(1).perHost(1).ratePerSecond(0).perHostRate(0).breakerFailures(0)
                .maxBodyBytes(Integer.MAX_VALUE - 8).maxRedirects(0).retries(0).backoffBase(Duration.ofSeconds(1))
                .backoffCap(Duration.ofSeconds(1)).processThreads(1).processMemoryBytes(1).grace(Duration.ZERO).window(0)
                .writeBatchRows(1).maxRequests(-1).build();

        assertThat(c.perHostLimit()).isEqualTo(1);
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void anUnsetPerHostIsTheDefaultAndStaysUnsetThroughToBuilder() {
        SluiceConfig c = SluiceConfig.builder().concurrency(20).build();

        assertThat(c.perHost()).isZero();
        assertThat(c.perHostLimit()).isEqualTo(SluiceConfig.DEFAULT_PER_HOST);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(SluiceConfig.builder().concurrency(20).adaptive(true).build().perHostLimit()).isEqualTo(20);
    }
}

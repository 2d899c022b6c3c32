package dev.sluice.internal.process;

import java.time.Duration;
import java.util.Objects;

/**
 * What the processing of one body may take: wall-clock time, and bytes allocated by its thread (everything
 * it keeps is part of what it allocated, so the memory one body can hold is bounded too). Checked by
 * {@link ProcessWatch}; a body that goes past either fails its URL with {@code process} and a detail
 * naming the bound.
 */
public record ProcessLimits(Duration time, long allocatedBytes) {
    public ProcessLimits {
        Objects.requireNonNull(time, "time");
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("the processing time limit must be positive, was " + time);
        }
        if (allocatedBytes < 1) {
            throw new IllegalArgumentException("the processing memory limit must be positive, was " + allocatedBytes);
        }
    }
}

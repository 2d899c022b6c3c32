package dev.sluice.internal.extract;

/**
 * One step of a field ({@code | num}, {@code | re:PATTERN}, …), applied in order to the value its source found.
 * A step passes null (no value) on, but for {@code default}. Implementations are immutable and thread-safe: one
 * compiled step serves every CPU-pool thread.
 */
interface Step {
    /** The value after this step, or a {@link Failure} with the reason and the value it could not take. */
    Object apply(Object value, Body body) throws Failure;
}

package dev.sluice.internal.limit;

/**
 * The scheduler's clock: {@code System.nanoTime()} in a run ({@link #SYSTEM}), a value set by hand in tests.
 * Instants are nanoseconds from an arbitrary origin, compared by subtraction, never with {@code <}.
 *
 * <p>Implementations are thread-safe; the scheduler reads it under its lock, and on a task's thread in
 * {@link Scheduler.Permit#report}.
 */
@FunctionalInterface
interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    /** The current instant. */
    long read();
}

package dev.sluice.internal.process;

/**
 * Thrown at a {@linkplain ProcessWorker#checkpoint() checkpoint} inside the processing of a body that was
 * asked to stop: it went past a {@link ProcessLimits limit}, or the run is cancelling what it cannot finish.
 *
 * <p>An {@link Error}, as {@code ThreadDeath} was, so that {@code catch (Exception e)} in a processor and
 * jackson-jq's own {@code try}/{@code ?} (which catch its query exceptions) let it through to the stage.
 */
final class ProcessingStopped extends Error {
    ProcessingStopped(String reason) {
        super(reason, null, false, false); // no stack trace: it is an outcome, not a bug
    }
}

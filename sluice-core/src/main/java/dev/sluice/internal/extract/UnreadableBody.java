package dev.sluice.internal.extract;

/**
 * A body that cannot be read at all for what the spec needs (jq fields on a body that is not JSON, a {@code --jq}
 * that fails on it): the whole response fails with this message, as {@link Extractor#extract} promises.
 */
final class UnreadableBody extends Exception {
    UnreadableBody(String message, Throwable cause) {
        super(message, cause);
    }
}

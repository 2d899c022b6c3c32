package dev.sluice.internal.extract;

/**
 * A part of a table's spec that does not parse: the message is the rule it breaks and where. Thrown while compiling
 * and turned by {@link Extractor#compile} into an {@link dev.sluice.InvalidConfigException} naming the setting and the
 * spec as written.
 */
final class BadSpec extends RuntimeException {
    BadSpec(String rule) {
        super(rule);
    }
}

package dev.sluice;

/**
 * A value that {@link SluiceConfig.Builder#build()} rejects: which setting (named as its builder method, e.g.
 * {@code perHost}), the rule it breaks, and the value given; the message says all three:
 * {@code perHost: must be at least 1 (was 0)}. A caller that names the setting otherwise (the CLI: {@code --per-host})
 * says the same in its words with {@link #messageFor}. Immutable.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String rule;
    private final String value;

    InvalidConfigException(String setting, String rule, String value) {
        super(setting + ": " + rule + " (was " + value + ")");
        this.setting = setting;
        this.rule = rule;
        this.value = value;
    }

    /**
     * The same, for code outside this package that checks a setting of its own (a table's {@code extract},
     * {@code rows} or {@code jq}, checked when its extractor is compiled).
     */
    public static InvalidConfigException of(String setting, String rule, String value) {
        return new InvalidConfigException(setting, rule, value);
    }

    /** The setting rejected, as its {@link SluiceConfig.Builder} method is named: {@code perHost}, {@code timeout}, … */
    public String setting() {
        return setting;
    }

    /** What its value must be: {@code must be at least 1}, {@code must be longer than 0}, … */
    public String rule() {
        return rule;
    }

    /** The value rejected, as shown in the message: {@code 0}, {@code 0s}, {@code 0 bytes}, … */
    public String value() {
        return value;
    }

    /** The message with the setting called {@code name}: {@code name: rule (was value)}. */
    public String messageFor(String name) {
        return name + ": " + rule + " (was " + value + ")";
    }
}

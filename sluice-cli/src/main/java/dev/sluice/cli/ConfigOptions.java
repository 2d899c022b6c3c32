package dev.sluice.cli;

import dev.sluice.InvalidConfigException;
import dev.sluice.SluiceConfig;
import picocli.CommandLine;

/**
 * Builds a command's {@link SluiceConfig}, whose builder is the one place that checks the values options give it: a
 * value it rejects is a usage error naming the option, in the builder's words ({@code --per-host: must be at least 1
 * (was 0)}). The CLI checks only what is its own: options that exclude each other, {@code --lease},
 * {@code --metrics-port}, {@code --urls}.
 */
final class ConfigOptions {
    private ConfigOptions() {
    }

    /** {@code builder}'s config; a value it rejects is a usage error of {@code cmd} naming the option that gave it. */
    static SluiceConfig build(CommandLine cmd, SluiceConfig.Builder builder) {
        try {
            return builder.build();
        } catch (InvalidConfigException e) {
            String option = option(e.setting());
            if (option == null) {
                throw e; // a setting no option gives: the CLI's own value, a bug of ours (internal error, with its trace)
            }
            throw new CommandLine.ParameterException(cmd, e.messageFor(option));
        }
    }

    /** The option that gives the setting of this name (a {@link SluiceConfig.Builder} method), or null for none. */
    static String option(String setting) {
        return switch (setting) {
            case "concurrency" -> "--concurrency";
            case "perHost" -> "--per-host";
            case "ratePerSecond" -> "--rate";
            case "perHostRate" -> "--per-host-rate";
            case "breakerFailures" -> "--breaker";
            case "breakerCooldown" -> "--breaker-cooldown";
            case "timeout" -> "--timeout";
            case "maxBodyBytes" -> "--max-body";
            case "retries" -> "--retries";
            case "maxRetryAfter" -> "--max-retry-after";
            case "processThreads" -> "--process-threads";
            case "processTimeout" -> "--process-timeout";
            case "processMemoryBytes" -> "--process-memory";
            case "grace" -> "--grace";
            case "storeOutage" -> "--db-outage";
            case "maxRequests" -> "--max-requests";
            default -> null;
        };
    }
}

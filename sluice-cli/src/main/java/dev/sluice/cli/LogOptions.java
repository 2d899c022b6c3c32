package dev.sluice.cli;

import picocli.CommandLine.Option;

/** Logging flags shared by every command. */
final class LogOptions {
    enum Format { text, json }

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "Log lines as text or json (one object per line). Default: ${DEFAULT-VALUE}.",
            defaultValue = "text")
    Format format;

    @Option(names = {"-q", "--quiet"}, description = "Only errors in the log (no per-URL warnings, no progress).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug detail in the log (retries, timings).")
    boolean verbose;
}

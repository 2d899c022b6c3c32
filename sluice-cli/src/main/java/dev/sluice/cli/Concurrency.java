package dev.sluice.cli;

import picocli.CommandLine;

/**
 * The value of {@code --concurrency}: a fixed cap ({@code 50}), or {@code auto} / {@code auto:N} for
 * adaptive per-host limits under a global ceiling.
 */
record Concurrency(int ceiling, boolean adaptive) {
    /** The ceiling of {@code auto} without a number: the top of the range a user would sweep by hand. */
    static final int AUTO_CEILING = 256;

    @Override
    public String toString() {
        return adaptive ? "auto:" + ceiling : Integer.toString(ceiling);
    }

    /** Parses {@code N}, {@code auto} or {@code auto:N}; SluiceConfig's builder checks N (at least 1). */
    static final class Converter implements CommandLine.ITypeConverter<Concurrency> {
        @Override
        public Concurrency convert(String value) {
            String v = value.trim();
            boolean auto = v.equals("auto") || v.startsWith("auto:");
            String number = auto ? (v.equals("auto") ? Integer.toString(AUTO_CEILING) : v.substring("auto:".length())) : v;
            int n;
            try {
                n = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number, 'auto' or 'auto:N'");
            }
            return new Concurrency(n, auto);
        }
    }
}

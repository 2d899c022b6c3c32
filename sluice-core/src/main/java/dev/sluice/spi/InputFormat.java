package dev.sluice.spi;

import java.util.Locale;

/** How the lines of an input are read ({@code --input-format}). */
public enum InputFormat {
    /** Each line by its content: a line starting with {@code {} is JSON, any other a URL. A URL never starts with one. */
    AUTO,
    /** Every line is a URL. */
    LINES,
    /** Every line is a JSON request object ({@link RequestObject}). */
    JSONL;

    /** {@code lines}, {@code jsonl} or {@code auto}; an {@link IllegalArgumentException} for anything else. */
    public static InputFormat of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "lines" -> LINES;
            case "jsonl" -> JSONL;
            default -> throw new IllegalArgumentException("input format '" + name + "' is not lines, jsonl or auto");
        };
    }
}

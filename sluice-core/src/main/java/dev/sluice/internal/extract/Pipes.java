package dev.sluice.internal.extract;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a field's {@code SOURCE:EXPR | STEP | …} into the source and its steps. A {@code |} splits only with white
 * space on both sides, and only before a step: {@code a[title|=en]}, {@code re:a|b} and {@code //a | //b} stay one
 * expression ({@code //b} is no step word), and so does an argument ({@code re:(a | b)}). After a source that has
 * a pipe of its own with spaces (jq, jsonld: {@code .items | length}), a word that is not a step continues the
 * expression; after any other, it is an unknown step, said so. Stateless.
 */
final class Pipes {
    private Pipes() {
    }

    /** The source as written, then each step's text, all stripped. */
    static List<String> split(String text, boolean ownPipes) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int partStart = 0;
        for (int bar = separator(text, 0); ; bar = separator(text, bar + 1)) {
            int end = bar < 0 ? text.length() : bar;
            String piece = text.substring(start, end).strip();
            if (parts.isEmpty()) {
                parts.add(piece);
            } else if (piece.isEmpty()) {
                throw new BadSpec("empty step after '|'");
            } else if (startsStep(piece, ownPipes)) {
                parts.add(piece);
                partStart = start;
            } else {
                parts.set(parts.size() - 1, text.substring(partStart, end).strip());
            }
            if (bar < 0) {
                return parts;
            }
            start = bar + 1;
        }
    }

    private static boolean startsStep(String piece, boolean ownPipes) {
        String word = Steps.word(piece);
        return word != null && (!ownPipes || Steps.known(word));
    }

    /** The next {@code |} from {@code from} with white space before it and white space (or the end) after it, or -1. */
    private static int separator(String text, int from) {
        for (int i = text.indexOf('|', from); i >= 0; i = text.indexOf('|', i + 1)) {
            if (i > 0 && Character.isWhitespace(text.charAt(i - 1))
                    && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
                return i;
            }
        }
        return -1;
    }
}

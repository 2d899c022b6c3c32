package dev.sluice;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrintableTest {
    @Test
    void controlCharactersAreEscapedAndOtherUnicodeKept() {
        String hostile = "a\u001b[31mred\u0000\u0007\t\n\r\u007f\u009bb bücher 東京 \u202eevil\u2066";

        assertThat(Printable.of(hostile).toString())
                .isEqualTo("a\\e[31mred\\0\\x07\\t\\n\\r\\x7f\\x9bb bücher 東京 \\u202eevil\\u2066");
    }

    @Test
    void plainTextIsTheSameString() {
        String url = "http://example.com/a?b=c#d";

        assertThat(Printable.of(url).toString()).isSameAs(url);
    }

    @Test
    void longTextIsCutWithAnEllipsisAndItsLength() {
        String text = "x".repeat(9_000);

        String shown = Printable.of(text).toString();

        assertThat(shown).isEqualTo("x".repeat(Printable.MAX_CHARS) + "… (9,000 chars)");
    }

    @Test
    void theCutNeverSplitsAnEscapeOrACharacterPair() {
        String escapes = "x".repeat(Printable.MAX_CHARS - 1) + "\u001b" + "tail";
        String pairs = "x".repeat(Printable.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail"; // an emoji: two chars

        assertThat(Printable.of(escapes).toString()).isEqualTo("x".repeat(Printable.MAX_CHARS - 1) + "… (304 chars)");
        assertThat(Printable.of(pairs).toString()).isEqualTo("x".repeat(Printable.MAX_CHARS - 1) + "… (305 chars)");
    }

    @Test
    void wholeMessagesAreEscapedUncutAndTracesKeepTheirLines() {
        String message = "y".repeat(1_000) + "\u001b";
        String trace = "java.lang.IllegalStateException: bad \u001b[2J\n\tat a.B.c(B.java:1)\n";

        assertThat(Printable.escaped(message)).isEqualTo("y".repeat(1_000) + "\\e");
        assertThat(Printable.escapedLines(trace)).isEqualTo("java.lang.IllegalStateException: bad \\e[2J\n\tat a.B.c(B.java:1)\n");
    }
}

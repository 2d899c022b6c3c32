package dev.sluice.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Printable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Log lines that did not go through Printable (another library's, an exception's message) still reach the terminal escaped. */
class TerminalSafeEncoderTest {
    private static final String HOSTILE = "\u001b]0;title\u0007\u009b2J\u202e";

    private static String log(LogOptions.Format format) {
        LoggerContext ctx = new LoggerContext(); // not the global one: what this test logs stays here
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LogOptions options = new LogOptions();
        options.format = format;
        Logging.configure(ctx, options, new PrintStream(err, true, StandardCharsets.UTF_8), null);
        ctx.getLogger("other.library").warn("raw " + HOSTILE, new IllegalStateException("quoted " + HOSTILE));
        ctx.stop();
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLinesAndTheirTracesAreEscapedKeepingTheTraceLines() {
        String text = log(LogOptions.Format.text);

        assertThat(text).contains("raw \\e]0;title\\x07\\x9b2J\\u202e", "IllegalStateException: quoted \\e]0;title\\x07\\x9b2J\\u202e");
        assertThat(text.lines()).anyMatch(l -> l.startsWith("\tat "));
        assertThat(text.chars().filter(c -> c != '\n' && c != '\t' && !Printable.shownAsIs((char) c))).isEmpty();
    }

    @Test
    void jsonLinesStayJsonWithTheSameTextEscapedTheJsonWay() throws Exception {
        String json = log(LogOptions.Format.json);

        assertThat(json.chars().filter(c -> c != '\n' && !Printable.shownAsIs((char) c))).isEmpty();
        assertThat(new ObjectMapper().readTree(json.lines().findFirst().orElseThrow()).get("formattedMessage").asText())
                .isEqualTo("raw " + HOSTILE);
    }
}

package dev.sluice.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Configures Logback for a command: level from -q/-v, text or JSON lines, to stderr or above the status line,
 * never with a raw control character ({@link TerminalSafeEncoder}).
 */
final class Logging {
    private Logging() {
    }

    static void configure(LogOptions options, PrintStream err, StatusLine statusLine) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), options, err, statusLine);
    }

    static void configure(LoggerContext ctx, LogOptions options, PrintStream err, StatusLine statusLine) {
        ctx.reset();
        Encoder<ILoggingEvent> encoder = new TerminalSafeEncoder(encoder(options, ctx), options.format == LogOptions.Format.json);
        encoder.setContext(ctx);
        encoder.start();
        AppenderBase<ILoggingEvent> appender;
        if (statusLine != null) {
            appender = new AppenderBase<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    statusLine.printAbove(new String(encoder.encode(event), StandardCharsets.UTF_8));
                }
            };
        } else {
            OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
            stream.setEncoder(encoder);
            stream.setOutputStream(new java.io.FilterOutputStream(err) {
                @Override
                public void close() throws java.io.IOException {
                    flush(); // Logback closes its stream when reconfigured; stderr is not ours to close
                }
            });
            stream.setImmediateFlush(true);
            stream.setContext(ctx);
            stream.start();
            attach(ctx, stream, options);
            return;
        }
        appender.setContext(ctx);
        appender.setName("status-line");
        appender.start();
        attach(ctx, appender, options);
    }

    private static void attach(LoggerContext ctx, ch.qos.logback.core.Appender<ILoggingEvent> appender, LogOptions options) {
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(options.quiet ? Level.ERROR : options.verbose ? Level.DEBUG : Level.INFO);
        Level libraries = options.quiet ? Level.ERROR : options.verbose ? Level.INFO : Level.WARN;
        ctx.getLogger("org.eclipse.jetty").setLevel(libraries);
        // The pool's own warnings (a broken connection, with its stack trace) repeat what our retries log in one line.
        ctx.getLogger("com.zaxxer.hikari").setLevel(options.verbose ? Level.INFO : Level.ERROR);
    }

    private static Encoder<ILoggingEvent> encoder(LogOptions options, LoggerContext ctx) {
        if (options.format == LogOptions.Format.json) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(options.verbose
                ? "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %msg%n"
                : "%d{HH:mm:ss} %-5level %msg%n");
        return text;
    }
}

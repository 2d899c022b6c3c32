package dev.sluice.cli;

import dev.sluice.spi.InputFormat;
import dev.sluice.spi.InputRequests;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** How input lines become requests: {@code --input-format}, {@code --method}, {@code --data}; for {@code run} and {@code enqueue}. */
final class RequestOptions {
    @Option(names = "--input-format", paramLabel = "auto|lines|jsonl", defaultValue = "auto",
            description = "How input lines are read: lines (each a URL), jsonl (each a request object {\"url\": …, "
                    + "\"method\": …, \"headers\": {…}, \"body\": …}), or auto (a line starting with '{' is JSON, any other a URL). "
                    + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", defaultValue = "GET",
            description = "The method of every input request that names none. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = {"-d", "--data"}, paramLabel = "@FILE|TEXT",
            description = "The body of every input request that has none: TEXT as it is, or the bytes of FILE. Sent as "
                    + "application/json when it starts with '{' or '[', else as a form, unless a Content-Type header says.")
    String data;

    /** The reader of input lines; a bad value is a usage error naming its option. */
    InputRequests input(CommandLine cmd) {
        InputFormat f;
        try {
            f = InputFormat.of(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--input-format: " + e.getMessage());
        }
        try {
            return new InputRequests(f, new InputRequests.Defaults(method, body(cmd)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--method: " + e.getMessage());
        }
    }

    private byte[] body(CommandLine cmd) {
        if (data == null) {
            return null;
        }
        if (!data.startsWith("@")) {
            return data.getBytes(StandardCharsets.UTF_8);
        }
        String file = data.substring(1);
        if (file.equals("-")) {
            throw new CommandLine.ParameterException(cmd, "--data @-: standard input is the input of URLs; put the body in a file");
        }
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cmd, "--data: no such file: " + file);
        } catch (IOException | RuntimeException e) {
            throw new CommandLine.ParameterException(cmd, "--data: cannot read " + file + ": " + e.getMessage());
        }
    }
}

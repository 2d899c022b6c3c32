package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job file as read: YAML (or JSON, which YAML's parser reads too) as a tree, with where each key and value stands in
 * the file, for messages that say {@code file:line:column}. Secrets, {@code ${env.NAME}} and {@code ${file.PATH}}, are
 * put in on the parsed values, so that a {@code #}, quote or newline in one cannot change the file's structure; which
 * values hold one is kept, so that they are never shown. Read on the command's thread.
 */
final class JobFile {
    /** {@code ${env.NAME}} or {@code ${file.PATH}}. */
    private static final Pattern SECRET = Pattern.compile("\\$\\{(env|file)\\.([^}]*)}");

    /** A place in the file, from 1. */
    record Place(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    private final Path path;
    private final JsonNode root;
    /** By JSON pointer ({@code /resources/items/request}): where the value starts, and where its key does. */
    private final Map<String, Place> values = new HashMap<>();
    private final Map<String, Place> keys = new HashMap<>();
    /** The pointers of the values a secret went into. */
    private final Set<String> secrets = new HashSet<>();
    private final List<Problem> problems = new ArrayList<>();

    /** A mistake and where it stands. */
    private record Problem(Place at, String message) {
    }

    private JobFile(Path path, String text, UnaryOperator<String> env) {
        this.path = path;
        JsonNode read = null;
        try (JsonParser p = factory(path, text).createParser(text)) {
            if (p.nextToken() == null) {
                problem(new Place(1, 1), "the file is empty: a job starts with 'sluice: 1'");
            } else {
                read = value(p, "", env);
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("cannot be read");
            problem(at == null ? new Place(1, 1) : new Place(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr())), message);
        } catch (IOException e) {
            problem(new Place(1, 1), "cannot be read: " + e.getMessage());
        }
        this.root = read;
    }

    /** Reads {@code path}; its problems (syntax, duplicate keys, secrets that cannot be had) are in {@link #problems}. */
    static JobFile read(Path path, UnaryOperator<String> env) throws IOException {
        return new JobFile(path, Files.readString(path, StandardCharsets.UTF_8), env);
    }

    /** Whether {@code arg} names a job file: a {@code .yaml} or {@code .yml} file, or a {@code .json} one holding {@code "sluice":}. */
    static boolean isJob(String arg) {
        String name = arg.toLowerCase(Locale.ROOT);
        Path p = Path.of(arg);
        if (!Files.isRegularFile(p)) {
            return false;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return true;
        }
        try {
            return name.endsWith(".json") && Files.size(p) < (1 << 20)
                    && Files.readString(p, StandardCharsets.UTF_8).stripLeading().startsWith("{")
                    && Files.readString(p, StandardCharsets.UTF_8).contains("\"sluice\"");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static JsonFactory factory(Path path, String text) {
        return path.toString().toLowerCase(Locale.ROOT).endsWith(".json") && text.stripLeading().startsWith("{")
                ? JsonFactory.builder().build() : YAMLFactory.builder().build();
    }

    private JsonNode value(JsonParser p, String at, UnaryOperator<String> env) throws IOException {
        values.put(at, place(p.currentTokenLocation()));
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = at + "/" + name.replace("~", "~0").replace("/", "~1");
                    Place keyAt = place(p.currentTokenLocation());
                    p.nextToken();
                    if (o.has(name)) {
                        problem(keyAt, "'" + name + "' is given twice (first at " + keys.get(child) + ")");
                        value(p, child + "~dup", env);
                        continue;
                    }
                    keys.put(child, keyAt);
                    o.set(name, value(p, child, env));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(value(p, at + "/" + a.size(), env));
                }
                return a;
            }
            case VALUE_STRING -> {
                return JsonNodeFactory.instance.textNode(interpolate(p.getText(), at, env));
            }
            case VALUE_NUMBER_INT -> {
                return JsonNodeFactory.instance.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return JsonNodeFactory.instance.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return JsonNodeFactory.instance.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            default -> {
                return JsonNodeFactory.instance.nullNode();
            }
        }
    }

    /** {@code text} with its secrets put in; one that cannot be had is a problem, and stays as written. */
    private String interpolate(String text, String at, UnaryOperator<String> env) {
        Matcher m = SECRET.matcher(text);
        if (!m.find()) {
            return text;
        }
        secrets.add(at);
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            String name = m.group(2);
            String value;
            if (m.group(1).equals("env")) {
                value = env.apply(name);
                if (value == null) {
                    problem(values.get(at), "the environment variable " + name + " is not set");
                }
            } else {
                try {
                    value = Files.readString(Path.of(name), StandardCharsets.UTF_8).stripTrailing();
                } catch (IOException | RuntimeException e) {
                    problem(values.get(at), "cannot read the file " + name + " (" + e.getMessage() + ")");
                    value = null;
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Place place(JsonLocation l) {
        return new Place(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** Records a problem at {@code at}, as {@code file:line:column: message}. */
    void problem(Place at, String message) {
        problems.add(new Problem(at == null ? new Place(1, 1) : at, message));
    }

    /** The tree; null when the file could not be parsed. */
    JsonNode root() {
        return root;
    }

    /** Where the value at {@code pointer} starts; the nearest enclosing value's place when it is not in the file. */
    Place valueAt(String pointer) {
        for (String p = pointer; ; p = p.substring(0, Math.max(0, p.lastIndexOf('/')))) {
            Place at = values.get(p);
            if (at != null || p.isEmpty()) {
                return at == null ? new Place(1, 1) : at;
            }
        }
    }

    /** Where the key of the value at {@code pointer} stands (its value's place for an array element). */
    Place keyAt(String pointer) {
        Place at = keys.get(pointer);
        return at != null ? at : valueAt(pointer);
    }

    /** Whether a secret went into the value at {@code pointer}. */
    boolean holdsSecret(String pointer) {
        return secrets.contains(pointer);
    }

    /** The problems, in the order they stand in the file, each as {@code file:line:column: message}. */
    List<String> problems() {
        return problems.stream()
                .sorted(java.util.Comparator.comparingInt((Problem p) -> p.at().line()).thenComparingInt(p -> p.at().column()))
                .map(p -> path + ":" + p.at() + ": " + p.message()).distinct().toList();
    }

    Path path() {
        return path;
    }
}

package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.SluiceConfig;
import dev.sluice.TableSpec;
import dev.sluice.internal.extract.Extractor;
import dev.sluice.internal.process.JqProcessor;
import picocli.CommandLine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job file's resource as what {@code run} takes: its options, in the words of the command line, and its request as
 * an input line (a JSON request object). Each key of the file maps to one option ({@code limits.timeout} to
 * {@code --timeout}, a resource's {@code records} to {@code --jq}), so a job says exactly what a command line can and
 * is checked by the same converters and builders, each mistake reported where it stands in the file. Made on the
 * command's thread.
 */
final class JobOptions {
    /** The format's version this build reads. */
    static final int VERSION = 1;

    /** Keys of the top level, a resource, its request and its table; and those of features to come. */
    private static final Set<String> TOP = Set.of("sluice", "name", "store", "limits", "defaults", "resources");
    private static final Set<String> RESOURCE = Set.of("input", "request", "base_url", "paginate", "records", "follow", "follow_links",
            "scope", "include", "exclude", "max_depth", "max_pages", "store_body", "table");
    private static final Set<String> REQUEST = Set.of("url", "method", "params", "headers", "body");
    private static final Set<String> TABLE = Set.of("name", "key", "write", "schema", "max_nesting", "rows", "columns", "fields");
    private static final Set<String> COLUMN = Set.of("jq", "css", "xpath", "jsonld", "re", "meta", "type", "required", "all");
    private static final Set<String> SOURCES = Set.of("jq", "css", "xpath", "jsonld", "re", "meta");
    /** Options that take no value: true or false in a file. */
    private static final Set<String> FLAGS = Set.of("--respect-robots", "--store-body");
    private static final Set<String> NOT_YET = Set.of("auth", "hosts", "variables", "for_each", "incremental", "rules");

    /** {@code limits.KEY} and a resource's KEY, to the option each one is. */
    private static final Map<String, String> LIMIT_OPTIONS = new LinkedHashMap<>();
    private static final Map<String, String> RESOURCE_OPTIONS = new LinkedHashMap<>();
    private static final Map<String, String> TABLE_OPTIONS = new LinkedHashMap<>();

    static {
        LIMIT_OPTIONS.put("concurrency", "--concurrency");
        LIMIT_OPTIONS.put("per_host", "--per-host");
        LIMIT_OPTIONS.put("rate", "--rate");
        LIMIT_OPTIONS.put("per_host_rate", "--per-host-rate");
        LIMIT_OPTIONS.put("timeout", "--timeout");
        LIMIT_OPTIONS.put("retries", "--retries");
        LIMIT_OPTIONS.put("max_body", "--max-body");
        LIMIT_OPTIONS.put("max_requests", "--max-requests");
        LIMIT_OPTIONS.put("max_retry_after", "--max-retry-after");
        LIMIT_OPTIONS.put("respect_robots", "--respect-robots");
        RESOURCE_OPTIONS.put("paginate", "--paginate");
        RESOURCE_OPTIONS.put("records", "--jq");
        RESOURCE_OPTIONS.put("follow", "--follow");
        RESOURCE_OPTIONS.put("follow_links", "--follow-links");
        RESOURCE_OPTIONS.put("scope", "--scope");
        RESOURCE_OPTIONS.put("include", "--include");
        RESOURCE_OPTIONS.put("exclude", "--exclude");
        RESOURCE_OPTIONS.put("max_depth", "--max-depth");
        RESOURCE_OPTIONS.put("max_pages", "--max-pages");
        RESOURCE_OPTIONS.put("store_body", "--store-body");
        TABLE_OPTIONS.put("name", "--table");
        TABLE_OPTIONS.put("key", "--primary-key");
        TABLE_OPTIONS.put("write", "--write");
        TABLE_OPTIONS.put("schema", "--schema");
        TABLE_OPTIONS.put("max_nesting", "--max-nesting");
        TABLE_OPTIONS.put("rows", "--rows");
    }

    private final JobFile file;
    /** The resource with {@code defaults:} merged in, and where each of its values stands in the file. */
    private final Map<String, String> origin = new LinkedHashMap<>();
    private final List<Option> options = new ArrayList<>();
    private String name;
    private String resourceName;
    private String request;
    /** The resource's input files ({@code input:}), in place of its one request. */
    private final List<String> inputs = new ArrayList<>();

    /** One option the file gives: its name, its value (null for a flag), and the pointer of the value in the file. */
    record Option(String name, String value, String pointer) {
    }

    private JobOptions(JobFile file) {
        this.file = file;
    }

    /**
     * The options and request of {@code file}, every mistake in it added to its problems: unknown keys (with the
     * nearest known one), values of the wrong kind, values an option refuses, jq that does not compile, fields that
     * do not parse, secrets in a URL. {@code run} checks the options' values as a command line's.
     */
    static JobOptions of(JobFile file, CommandLine run) {
        JobOptions job = new JobOptions(file);
        if (file.root() != null) {
            job.read(run);
        }
        return job;
    }

    /** Reads and checks the job file {@code path}, with {@code run}'s checks of each value; secrets from the environment. */
    static JobOptions read(java.nio.file.Path path, CliContext context) throws java.io.IOException {
        JobFile file = JobFile.read(path, System::getenv);
        return of(file, commandLine(new RunCommand(context)));
    }

    /** {@code run}'s command line for {@code run}, parsed as Main parses it ({@code @FILE} is {@code --data}'s, not picocli's). */
    static CommandLine commandLine(RunCommand run) {
        CommandLine cmd = new CommandLine(run);
        cmd.setExpandAtFiles(false);
        return cmd;
    }

    /** Prints the job's problems, one per line, and says nothing was done; returns the usage exit code. */
    static int report(JobOptions job, java.io.PrintStream err) {
        for (String p : job.file.problems()) {
            err.println(dev.sluice.Printable.escaped(p));
        }
        int n = job.file.problems().size();
        err.println(n + (n == 1 ? " mistake" : " mistakes") + " in " + job.file.path() + "; nothing was fetched");
        return ExitCode.USAGE;
    }

    List<Option> options() {
        return options;
    }

    /** The request as an input line: a JSON request object. */
    String request() {
        return request;
    }

    /** What {@code run} takes as its inputs for this job: its input files, or its request on standard input. */
    List<String> inputArgs() {
        return inputs.isEmpty() ? List.of("--input-format", "jsonl", "-") : inputs;
    }

    /** The input files the resource reads its requests from; empty when its request is {@link #request}. */
    List<String> inputs() {
        return inputs;
    }

    String name() {
        return name;
    }

    String resource() {
        return resourceName;
    }

    boolean ok() {
        return file.problems().isEmpty();
    }

    private void read(CommandLine run) {
        JsonNode root = file.root();
        if (!root.isObject()) {
            file.problem(file.valueAt(""), "a job is a mapping of keys, starting with 'sluice: " + VERSION + "'");
            return;
        }
        keys(root, "", TOP, "the job");
        JsonNode version = root.get("sluice");
        if (version == null) {
            file.problem(file.valueAt(""), "'sluice: " + VERSION + "' is missing: it says which version of the format this is");
        } else if (!version.isIntegralNumber() || version.asLong() != VERSION) {
            file.problem(file.valueAt("/sluice"), "this build reads version " + VERSION + " of the format, not " + version);
        }
        name = text(root, "/name");
        String store = text(root, "/store");
        if (store != null) {
            options.add(new Option("--db", store, "/store"));
        }
        JsonNode limits = object(root, "/limits");
        if (limits != null) {
            keys(limits, "/limits", LIMIT_OPTIONS.keySet(), "limits");
            LIMIT_OPTIONS.forEach((key, option) -> option(limits, "/limits/" + key, option));
        }
        JsonNode resources = object(root, "/resources");
        if (resources == null) {
            if (!root.has("resources")) {
                file.problem(file.valueAt(""), "'resources' is missing: name at least one, each with its request");
            }
            return;
        }
        if (resources.size() != 1) {
            file.problem(file.valueAt("/resources"), "this build runs one resource per job, not " + resources.size()
                    + ": make a job file for each");
            return;
        }
        resourceName = resources.fieldNames().next();
        String at = "/resources/" + escape(resourceName);
        JsonNode defaults = object(root, "/defaults");
        JsonNode resource = merged(object(root, at), at, defaults, "/defaults", "");
        if (resource == null) {
            return;
        }
        readResource(resource);
        values(run);
    }

    /** A resource's keys: the request, then each option. */
    private void readResource(JsonNode resource) {
        keys(resource, "", RESOURCE, "a resource");
        JsonNode req = resource.get("request");
        JsonNode input = resource.get("input");
        if (req != null && !req.isObject()) {
            file.problem(file.valueAt(pointer("/request")), "request is a mapping: {url: …, params: {…}, headers: {…}}");
        } else if (input != null) {
            readInput(input, req);
        } else if (req == null) {
            file.problem(file.keyAt(pointer("")), "a resource needs its request (request: {url: …}) or its input files (input: urls.txt)");
        } else {
            readRequest(resource, req);
        }
        RESOURCE_OPTIONS.forEach((key, option) -> option(resource, key, option));
        JsonNode table = resource.get("table");
        if (table != null) {
            readTable(table);
        }
    }

    /** Requests from files, as {@code run}'s inputs; the request's method, body and headers are those of every line. */
    private void readInput(JsonNode input, JsonNode req) {
        for (JsonNode f : input.isArray() ? input : List.of(input)) {
            if (!f.isTextual()) {
                file.problem(file.valueAt(pointer("/input")), "input is a file, or a list of files, of requests");
                return;
            }
            inputs.add(f.asText());
        }
        if (req == null) {
            return;
        }
        for (String urlKey : List.of("url", "params")) {
            if (req.has(urlKey)) {
                file.problem(file.keyAt(pointer("/request/" + urlKey)), "a resource with input files takes its URLs from them: "
                        + "request." + urlKey + " is for a resource without input");
            }
        }
        if (req.has("method")) {
            options.add(new Option("--method", req.get("method").asText(), pointer("/request/method")));
        }
        if (req.has("body")) {
            JsonNode body = req.get("body");
            options.add(new Option("--data", body.isTextual() ? body.asText() : body.toString(), pointer("/request/body")));
        }
        readHeaders(req);
    }

    private void readRequest(JsonNode resource, JsonNode req) {
        keys(req, "/request", REQUEST, "a request");
        String url = mergedText(req, "/request/url");
        if (url == null) {
            file.problem(file.valueAt(pointer("/request")), "a request needs its url");
            return;
        }
        String base = mergedText(resource, "/base_url");
        if (base != null && !url.matches("(?i)[a-z][a-z0-9+.-]*://.*")) {
            url = base.replaceAll("/+$", "") + (url.startsWith("/") ? url : "/" + url);
        }
        noSecret("/base_url");
        noSecret("/request/url");
        JsonNode params = req.get("params");
        if (params != null) {
            if (!params.isObject()) {
                file.problem(file.valueAt(pointer("/request/params")), "params is a mapping of names to values");
            } else {
                StringBuilder query = new StringBuilder();
                for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    String at = "/request/params/" + escape(p.getKey());
                    noSecret(at);
                    if (!p.getValue().isValueNode() || p.getValue().isNull()) {
                        file.problem(file.valueAt(pointer(at)), "param " + p.getKey() + " must be a text or a number");
                        continue;
                    }
                    query.append(query.isEmpty() ? "" : "&").append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                            .append('=').append(URLEncoder.encode(p.getValue().asText(), StandardCharsets.UTF_8));
                }
                if (!query.isEmpty()) {
                    url += (url.contains("?") ? "&" : "?") + query;
                }
            }
        }
        ObjectNode line = JsonNodeFactory.instance.objectNode().put("url", url);
        if (req.has("method")) {
            line.set("method", req.get("method"));
        }
        readHeaders(req);
        if (req.has("body")) {
            line.set("body", req.get("body"));
        }
        request = line.toString();
        dev.sluice.spi.InputRequests.Read read = new dev.sluice.spi.InputRequests(dev.sluice.spi.InputFormat.JSONL,
                dev.sluice.spi.InputRequests.Defaults.NONE).read(new dev.sluice.InputSource.Line(file.path().toString(), 1, request));
        if (read instanceof dev.sluice.spi.InputRequests.Invalid invalid) {
            file.problem(file.valueAt(pointer("/request")), invalid.detail());
        }
    }

    /** The request's headers, as {@code --header}s. */
    private void readHeaders(JsonNode req) {
        JsonNode headers = req.get("headers");
        if (headers != null && !headers.isObject()) {
            file.problem(file.valueAt(pointer("/request/headers")), "headers is a mapping of names to values");
        } else if (headers != null) {
            // as --header: sent with every request of the resource (its pages too), kept in the run's record masked, not
            // stored with each request
            headers.fields().forEachRemaining(h -> {
                String at = origin.getOrDefault("/request/headers/" + escape(h.getKey()), "");
                if (!h.getValue().isValueNode() || h.getValue().isNull()) {
                    file.problem(file.valueAt(at), "header " + h.getKey() + " must be a text");
                } else if (file.holdsSecret(at) && !SluiceConfig.Header.isCredentialName(h.getKey())) {
                    file.problem(file.valueAt(at), "header " + h.getKey() + " holds a secret but its name does not say so, "
                            + "so it would be shown: send it as Authorization, X-Api-Key, X-Auth-Token or a name with token or key in it");
                } else {
                    options.add(new Option("--header", h.getKey() + ": " + h.getValue().asText(), at));
                }
            });
        }
    }

    private void readTable(JsonNode table) {
        if (!table.isObject()) {
            file.problem(file.valueAt(pointer("/table")), "table is a mapping: {name: …, key: […], columns: {…}}");
            return;
        }
        keys(table, "/table", TABLE, "a table");
        if (!table.has("name")) {
            file.problem(file.valueAt(pointer("/table")), "a table needs its name");
        }
        TABLE_OPTIONS.forEach((key, option) -> option(table, "/table/" + key, option));
        JsonNode fields = table.get("fields");
        if (fields != null) {
            for (JsonNode f : fields.isArray() ? fields : List.of(fields)) {
                if (!f.isTextual()) {
                    file.problem(file.valueAt(pointer("/table/fields")), "fields is a list of --extract fields: 'NAME[:TYPE][!]=SOURCE:EXPR'");
                    break;
                }
                field(f.asText(), pointer("/table/fields"), "field " + f.asText());
            }
        }
        JsonNode columns = table.get("columns");
        if (columns == null) {
            return;
        }
        if (!columns.isObject()) {
            file.problem(file.valueAt(pointer("/table/columns")), "columns is a mapping of names to jq or selectors");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = columns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            String at = "/table/columns/" + escape(c.getKey());
            String spec = column(c.getKey(), c.getValue(), at);
            if (spec != null) {
                field(spec, origin.get(at), "column " + c.getKey());
            }
        }
    }

    /** An {@code --extract} field, checked as {@code run} checks it. */
    private void field(String spec, String at, String what) {
        try {
            Extractor.compile(TableSpec.builder("t").field(spec).build());
            options.add(new Option("--extract", spec, at));
        } catch (IllegalArgumentException e) {
            file.problem(file.valueAt(at), what + ": " + e.getMessage());
        }
    }

    /**
     * A column as an {@code --extract} field: {@code .id} (jq), {@code css:h1::text} (a source named), or
     * {@code {jq: .updated_at, type: timestamp, required: true, all: false}}.
     */
    private String column(String columnName, JsonNode value, String at) {
        if (value.isTextual()) {
            String v = value.asText();
            return columnName + "=" + (v.matches("(jq|css|xpath|jsonld|re|meta):.*") ? v : "jq:" + v);
        }
        if (!value.isObject()) {
            file.problem(file.valueAt(origin.get(at)), "column " + columnName + " is a jq expression, a selector or {jq: …, type: …}");
            return null;
        }
        keys(value, at, COLUMN, "a column");
        List<String> sources = new ArrayList<>();
        value.fieldNames().forEachRemaining(k -> {
            if (SOURCES.contains(k)) {
                sources.add(k);
            }
        });
        if (sources.size() != 1) {
            file.problem(file.valueAt(origin.get(at)), "column " + columnName + " needs one source (" + String.join(", ", SOURCES.stream().sorted().toList())
                    + "), not " + sources.size());
            return null;
        }
        String type = value.has("type") ? ":" + value.get("type").asText() : "";
        String all = value.path("all").asBoolean(false) ? "[]" : "";
        String required = value.path("required").asBoolean(false) ? "!" : "";
        return columnName + all + type + required + "=" + sources.get(0) + ":" + value.get(sources.get(0)).asText();
    }

    /** Adds the option the value at {@code key} (relative to the resource, or a pointer from the root) gives, if any. */
    private void option(JsonNode parent, String key, String option) {
        String rel = key.startsWith("/") ? key : "/" + key;
        String leaf = rel.substring(rel.lastIndexOf('/') + 1);
        JsonNode v = parent.get(leaf);
        if (v == null) {
            return;
        }
        String at = rel.startsWith("/limits") ? rel : origin.getOrDefault(rel, rel);
        if (v.isBoolean()) {
            if (v.asBoolean()) {
                options.add(new Option(option, null, at)); // a flag; or, for --follow-links, its default selector
            }
        } else if (FLAGS.contains(option)) {
            file.problem(file.valueAt(at), leaf + " is true or false, not " + v);
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isValueNode()) {
                    file.problem(file.valueAt(at), leaf + " is a list of texts");
                    return;
                }
            }
            if (option.equals("--primary-key")) {
                List<String> cols = new ArrayList<>();
                v.forEach(e -> cols.add(e.asText()));
                options.add(new Option(option, String.join(",", cols), at));
            } else {
                v.forEach(e -> options.add(new Option(option, e.asText(), at)));
            }
        } else if (v.isValueNode() && !v.isNull()) {
            String text = v.asText();
            options.add(new Option(option, (option.endsWith("rate") && text.endsWith("/s")) ? text.substring(0, text.length() - 2) : text, at));
        } else {
            file.problem(file.valueAt(at), leaf + " must be a text, a number or true, not " + (v.isNull() ? "empty" : "a mapping"));
        }
    }

    /** Each option's value through {@code run}'s own converters and checks, one at a time: each mistake where it stands. */
    private void values(CommandLine run) {
        for (Option o : options) {
            if (o.name().equals("--extract")) {
                continue; // checked with its column
            }
            List<String> args = o.value() == null ? List.of(o.name()) : List.of(o.name(), o.value());
            try {
                run.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                file.problem(file.valueAt(o.pointer()), message(e.getMessage()));
                continue;
            }
            if (o.name().equals("--jq")) {
                try {
                    JqProcessor.compile(o.value());
                } catch (IllegalArgumentException e) {
                    file.problem(file.valueAt(o.pointer()), "jq: " + e.getMessage());
                }
            } else if (CHECKED_ALONE.contains(o.name())) {
                checkAlone(run, o, args);
            }
        }
    }

    /** Options whose value is checked when the run is made (discovery rules, table words): checked so, each alone. */
    private static final Set<String> CHECKED_ALONE = Set.of("--paginate", "--follow", "--follow-links", "--scope", "--include",
            "--exclude", "--write", "--schema", "--rows", "--max-nesting");

    private void checkAlone(CommandLine run, Option o, List<String> args) {
        List<String> alone = new ArrayList<>(List.of("--input-format", "jsonl"));
        if (TABLE_OPTIONS.containsValue(o.name())) {
            alone.addAll(List.of("--table", "t", "--extract", "checked=meta:url"));
        }
        if (o.name().equals("--write")) { // merge needs its key
            options.stream().filter(k -> k.name().equals("--primary-key")).forEach(k -> alone.addAll(List.of(k.name(), k.value())));
        }
        alone.addAll(args);
        try {
            run.parseArgs(alone.toArray(String[]::new));
            ((RunCommand) run.getCommand()).job(run);
        } catch (CommandLine.ParameterException e) {
            file.problem(file.valueAt(o.pointer()), e.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(o.name()) + ": ", ""));
        }
    }

    /** picocli's message for one option, without the option's spelling it begins with, if it does. */
    private static String message(String m) {
        return m.replaceFirst("^Invalid value for option '[^']*': ", "");
    }

    /** Options a command line may give many times: the file's and the command line's are both taken. */
    private static final Set<String> REPEATABLE = Set.of("--extract", "--header", "--include", "--exclude");

    /**
     * {@code run}'s arguments for this job, in the file's order: its options, each unless {@code given} names it (the
     * command line's wins), except those given many times, which add up.
     */
    List<String> args(java.util.function.Predicate<String> given) {
        List<String> args = new ArrayList<>();
        for (Option o : options) {
            if (!REPEATABLE.contains(o.name()) && given.test(o.name())) {
                continue;
            }
            args.add(o.name());
            if (o.value() != null) {
                args.add(o.value());
            }
        }
        return args;
    }

    // ---- a command line as a job file (run --print-job)

    /**
     * The job file that says what the command line {@code parsed} says: each option that has a key under it, the inputs
     * as the resource's {@code input}; the options that have none are named on {@code err}. A credential header's value
     * is left out, for an environment variable named after the header ({@code ${env.AUTHORIZATION}}).
     */
    static String print(CommandLine.ParseResult parsed, List<String> inputs, java.io.PrintStream err) {
        ObjectNode job = JsonNodeFactory.instance.objectNode().put("sluice", VERSION);
        ObjectNode limits = JsonNodeFactory.instance.objectNode();
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        ObjectNode table = JsonNodeFactory.instance.objectNode();
        if (!inputs.isEmpty()) {
            resource.set("input", JsonNodeFactory.instance.arrayNode().addAll(inputs.stream().map(JsonNodeFactory.instance::textNode).toList()));
        }
        List<String> left = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : new java.util.LinkedHashSet<>(parsed.matchedOptions())) {
            String name = o.longestName();
            List<String> values = o.originalStringValues();
            String value = values.isEmpty() ? null : values.get(values.size() - 1);
            String key;
            if (name.equals("--db")) {
                job.put("store", value);
            } else if ((key = keyOf(LIMIT_OPTIONS, name)) != null) {
                limits.set(key, scalar(value));
            } else if (name.equals("--extract")) {
                table.set("fields", JsonNodeFactory.instance.arrayNode().addAll(values.stream().map(JsonNodeFactory.instance::textNode).toList()));
            } else if (name.equals("--primary-key")) {
                table.set("key", JsonNodeFactory.instance.arrayNode().addAll(values.stream()
                        .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(JsonNodeFactory.instance::textNode).toList()));
            } else if ((key = keyOf(TABLE_OPTIONS, name)) != null) {
                table.set(key, scalar(value));
            } else if (name.equals("--include") || name.equals("--exclude")) {
                resource.set(name.substring(2), JsonNodeFactory.instance.arrayNode().addAll(values.stream().map(JsonNodeFactory.instance::textNode).toList()));
            } else if ((key = keyOf(RESOURCE_OPTIONS, name)) != null) {
                resource.set(key, scalar(value));
            } else if (name.equals("--method")) {
                request.put("method", value);
            } else if (name.equals("--data")) {
                request.put("body", value);
            } else if (name.equals("--header")) {
                for (String h : values) {
                    SluiceConfig.Header header = SluiceConfig.Header.parse(h);
                    String variable = header.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
                    headers.put(header.name(), header.credential() ? "${env." + variable + "}" : header.value());
                    if (header.credential()) {
                        err.println("the value of header " + header.name() + " is left out of the file: set " + variable
                                + " in the environment");
                    }
                }
            } else if (!name.equals("--print-job")) {
                left.add(name);
            }
        }
        if (!headers.isEmpty()) {
            request.set("headers", headers);
        }
        if (!request.isEmpty()) {
            resource.set("request", request);
        }
        if (!table.isEmpty()) {
            resource.set("table", table);
        }
        if (!limits.isEmpty()) {
            job.set("limits", limits);
        }
        job.set("resources", JsonNodeFactory.instance.objectNode().set(table.has("name") ? table.get("name").asText() : "requests", resource));
        if (!left.isEmpty()) {
            err.println("not in the file (give them on the command line): " + String.join(" ", left));
        }
        try {
            return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                    .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .writeValueAsString(job);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of texts and numbers is always written", e);
        }
    }

    private static String keyOf(Map<String, String> options, String option) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getValue().equals(option)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** A value as the file writes it: a whole number as a number, a flag as true, anything else as text. */
    private static JsonNode scalar(String value) {
        if (value == null) {
            return JsonNodeFactory.instance.booleanNode(true);
        }
        return value.matches("-?\\d{1,18}") ? JsonNodeFactory.instance.numberNode(Long.parseLong(value))
                : JsonNodeFactory.instance.textNode(value);
    }

    // ---- the tree

    /** Unknown keys of {@code node}: each one with the nearest known key, or a word on features to come. */
    private void keys(JsonNode node, String at, Set<String> known, String what) {
        node.fieldNames().forEachRemaining(k -> {
            if (known.contains(k)) {
                return;
            }
            String pointer = at.startsWith("/limits") || at.isEmpty() && known == TOP ? at + "/" + escape(k)
                    : origin.getOrDefault(at + "/" + escape(k), at + "/" + escape(k));
            if (NOT_YET.contains(k)) {
                file.problem(file.keyAt(pointer), "'" + k + "' is not supported by this build yet");
            } else {
                String near = nearest(k, known);
                file.problem(file.keyAt(pointer), "unknown key '" + k + "' in " + what
                        + (near == null ? "" : ": did you mean '" + near + "'?") + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        });
    }

    /** The known word within two edits of {@code k}, or null. */
    private static String nearest(String k, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String w : known) {
            int d = distance(k.toLowerCase(java.util.Locale.ROOT), w);
            if (d < bestDistance) {
                best = w;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein's distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private JsonNode object(JsonNode root, String pointer) {
        JsonNode v = root.at(pointer);
        if (v.isMissingNode()) {
            return null;
        }
        if (!v.isObject()) {
            file.problem(file.valueAt(pointer), pointer.substring(pointer.lastIndexOf('/') + 1) + " must be a mapping of keys");
            return null;
        }
        return v;
    }

    private String text(JsonNode root, String pointer) {
        JsonNode v = root.at(pointer);
        if (v.isMissingNode()) {
            return null;
        }
        if (!v.isValueNode() || v.isNull()) {
            file.problem(file.valueAt(pointer), pointer.substring(1) + " must be a text");
            return null;
        }
        return v.asText();
    }

    /** A text of the merged resource, by its pointer relative to the resource. */
    private String mergedText(JsonNode parent, String rel) {
        JsonNode v = parent.get(rel.substring(rel.lastIndexOf('/') + 1));
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            file.problem(file.valueAt(origin.get(rel)), rel.substring(rel.lastIndexOf('/') + 1) + " must be a text");
            return null;
        }
        return v.asText();
    }

    private void noSecret(String rel) {
        String at = origin.get(rel);
        if (at != null && file.holdsSecret(at)) {
            file.problem(file.valueAt(at), "a secret in a URL is logged and stored with it: send it in a header");
        }
    }

    /** Where the merged resource's value at {@code rel} stands in the file. */
    private String pointer(String rel) {
        return origin.getOrDefault(rel, "/resources/" + escape(resourceName) + rel);
    }

    /**
     * {@code resource} with {@code defaults}' keys it has not, key by key and into mappings (the resource's own win);
     * records in {@link #origin} where each merged value stands.
     */
    private JsonNode merged(JsonNode resource, String at, JsonNode defaults, String defaultsAt, String rel) {
        if (resource == null && defaults == null) {
            return null;
        }
        origin.put(rel, resource != null ? at : defaultsAt);
        if (resource != null && !resource.isObject() || resource == null && !defaults.isObject()
                || resource != null && defaults != null && !defaults.isObject()) {
            JsonNode v = resource != null ? resource : defaults;
            if (v.isObject()) {
                v.fieldNames().forEachRemaining(k -> origin(v.get(k), (resource != null ? at : defaultsAt) + "/" + escape(k), rel + "/" + escape(k)));
            }
            return v;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        if (resource != null) {
            resource.fieldNames().forEachRemaining(names::add);
        }
        if (defaults != null) {
            defaults.fieldNames().forEachRemaining(names::add);
        }
        for (String k : names) {
            JsonNode mine = resource == null ? null : resource.get(k);
            JsonNode theirs = defaults == null ? null : defaults.get(k);
            String key = "/" + escape(k);
            if (mine != null && theirs != null && mine.isObject() && theirs.isObject()) {
                out.set(k, merged(mine, at + key, theirs, defaultsAt + key, rel + key));
            } else {
                JsonNode v = mine != null ? mine : theirs;
                origin(v, (mine != null ? at : defaultsAt) + key, rel + key);
                out.set(k, v);
            }
        }
        return out;
    }

    /** Records where {@code v} and everything in it stand. */
    private void origin(JsonNode v, String at, String rel) {
        origin.put(rel, at);
        if (v.isObject()) {
            v.fieldNames().forEachRemaining(k -> origin(v.get(k), at + "/" + escape(k), rel + "/" + escape(k)));
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The job's request line as JSON, for the plan: secrets masked. */
    String shownRequest() {
        try {
            return dev.sluice.Secrets.text(new ObjectMapper().readTree(request).toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return request;
        }
    }
}

package dev.sluice.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code --flag} the documentation names is an option of some {@code sluice} command: the docs cannot drift
 * from the CLI (a renamed or removed option, a typo such as {@code --host-key} for {@code --per-host-key}).
 *
 * <p>Which files: every {@code *.md} of the repository (README, docs/, bench/README.md, …) except
 * {@code CHANGELOG.md}, which is history: it may name an option as it was before it was renamed or removed.
 *
 * <p>Which flags: outside code blocks (prose, option tables, inline code) every flag is checked, except the few
 * flags of other tools that the docs legitimately mention, listed in {@link #FOREIGN} with their tool. Inside a
 * fenced code block a (backslash-continued) line is a command line, and only one that runs Sluice (mentions
 * {@code sluice}: {@code bin/sluice run …}, {@code SLUICE_ARGS="--breaker 0" …}) is checked; other tools'
 * command lines (mvn, curl, psql, a benchmark's knobs) are theirs.
 *
 * <p>The options are read from the picocli model of every command the CLI registers in {@link Main}, recursively.
 */
final class DocsFlagsTest {
    /** Flags of other tools, named in prose, and the tool each belongs to. Keep it short: a flag here is never checked. */
    private static final Map<String, String> FOREIGN = Map.of(
            "--location-trusted", "curl (Sluice sends URL credentials as curl does without it)",
            "--ports", "dev.sluice.origin.Origin's main (sluice-origin), used by bench/mixed.sh",
            "--site-pages", "bench/origin/server.js",
            "--site-ms", "bench/origin/server.js",
            "--site-seed", "bench/origin/server.js",
            "--uvloop", "bench/ref/pipeline.py",
            "--inline", "bench/ref/pipeline.py",
            "--proj", "bench/ref/pipeline.py",
            "--fields", "bench/ref/crawl_spider.py");

    /** A long option: two dashes and a lower-case name, not inside a word ({@code xn--bcher-kva}) or a dash run. */
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    /** Where a flag was named. */
    record Mention(String file, int line, String flag) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + flag;
        }
    }

    @Test
    void everyFlagTheDocsNameIsAnOptionOfTheCli() throws Exception {
        Path root = repositoryRoot();
        Set<String> options = cliOptions();
        assertThat(options).as("options read from the CLI").contains("--db", "--per-host-key", "--wait", "--format", "--all");

        List<Path> docs = markdownFiles(root);
        assertThat(docs).as("markdown files under " + root).contains(root.resolve("README.md"));
        List<Mention> unknown = new ArrayList<>();
        Set<String> foreignSeen = new TreeSet<>();
        int checked = 0;
        for (Path doc : docs) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            List<Mention> mentions = mentions(root.relativize(doc).toString(), text);
            checked += mentions.size();
            mentions.stream().filter(m -> !options.contains(m.flag())).forEach(unknown::add);
            FOREIGN.keySet().stream().filter(f -> flags(text).contains(f)).forEach(foreignSeen::add);
        }
        assertThat(checked).as("flags found in the docs (a broken scanner finds none)").isGreaterThan(100);
        assertThat(unknown)
                .as("flags named in the docs that no sluice command has (see bin/sluice COMMAND --help). Fix the doc; or, "
                        + "if the flag is another tool's, show it in a code line of that tool or add it to DocsFlagsTest.FOREIGN")
                .isEmpty();
        assertThat(FOREIGN.keySet()).as("FOREIGN lists only flags the docs name (remove the others)").isSubsetOf(foreignSeen);
        assertThat(FOREIGN.keySet()).as("FOREIGN names no sluice option (it would never be checked)").doesNotContainAnyElementsOf(options);
    }

    /** The scanner itself: a flag the CLI lacks is caught in prose, in a table and in a sluice command line. */
    @Test
    void aFlagNoCommandHasIsCaught() throws Exception {
        Set<String> options = cliOptions();
        String doc = """
                Hosts are keyed by `--host-key domain`; see `--per-host-key`.

                | `--host-key` | `host` | what one host is |

                ```sh
                bin/sluice run urls.txt \\
                    --host-key ip --db out.db
                mvn -B --also-make install          # another tool's command line: not checked
                ```
                curl without `--location-trusted` (another tool's flag, listed as foreign)
                """;
        List<String> unknown = mentions("doc.md", doc).stream().filter(m -> !options.contains(m.flag()))
                .map(Mention::toString).toList();
        assertThat(unknown).containsExactly("doc.md:1: --host-key", "doc.md:3: --host-key", "doc.md:7: --host-key");
    }

    /** The long options named in a markdown text that are to be checked, in order. */
    static List<Mention> mentions(String file, String text) {
        List<Mention> found = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean inCode = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (FENCE.matcher(line).find()) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) {
                for (String f : flags(line)) {
                    if (!FOREIGN.containsKey(f)) {
                        found.add(new Mention(file, i + 1, f));
                    }
                }
                continue;
            }
            // A command line in a code block, with its continuation lines.
            int first = i;
            StringBuilder command = new StringBuilder(line);
            while (line.endsWith("\\") && i + 1 < lines.length && !FENCE.matcher(lines[i + 1]).find()) {
                line = lines[++i];
                command.append('\n').append(line);
            }
            if (command.toString().toLowerCase(java.util.Locale.ROOT).contains("sluice")) {
                String[] parts = command.toString().split("\n", -1);
                for (int k = 0; k < parts.length; k++) {
                    for (String f : flags(parts[k])) {
                        found.add(new Mention(file, first + k + 1, f));
                    }
                }
            }
        }
        return found;
    }

    private static List<String> flags(String line) {
        List<String> flags = new ArrayList<>();
        Matcher m = FLAG.matcher(line);
        while (m.find()) {
            flags.add(m.group());
        }
        return flags;
    }

    /** The long option names of every command and subcommand the CLI registers (and of the top command). */
    static Set<String> cliOptions() throws ReflectiveOperationException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CliContext context = new CliContext(InputStream.nullInputStream(), nowhere, nowhere, false, false, List.of());
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                for (Constructor<?> c : type.getDeclaredConstructors()) {
                    if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
                        c.setAccessible(true);
                        return type.cast(c.newInstance(context));
                    }
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        CommandLine top = new CommandLine(new Main(), factory);
        for (Class<?> command : registeredCommands()) {
            if (!top.getSubcommands().containsKey(command.getAnnotation(Command.class).name())) {
                top.addSubcommand(new CommandLine(command, factory));
            }
        }
        assertThat(top.getSubcommands()).as("commands registered in Main").containsKeys("run", "worker", "enqueue", "status", "export", "report", "demo");
        Set<String> names = new TreeSet<>();
        collect(top, names);
        return names;
    }

    /**
     * The command classes {@link Main} registers: its annotation's subcommands, and the command classes held in its
     * static maps (Main registers them by hand, building only the command it runs).
     */
    private static Set<Class<?>> registeredCommands() throws IllegalAccessException {
        Set<Class<?>> commands = new LinkedHashSet<>(List.of(Main.class.getAnnotation(Command.class).subcommands()));
        for (Field field : Main.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Map.class.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                for (Object value : ((Map<?, ?>) field.get(null)).values()) {
                    if (value instanceof Class<?> type && type.isAnnotationPresent(Command.class)) {
                        commands.add(type);
                    }
                }
            }
        }
        return commands;
    }

    private static void collect(CommandLine cmd, Set<String> names) {
        CommandSpec spec = cmd.getCommandSpec();
        for (OptionSpec option : spec.options()) {
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    names.add(name);
                }
            }
        }
        cmd.getSubcommands().values().forEach(sub -> collect(sub, names));
    }

    /** Every markdown file of the repository but the changelog, outside build output and hidden directories. */
    private static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(p -> !p.getFileName().toString().equals("CHANGELOG.md"))
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            String name = part.toString();
                            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList();
        }
    }

    /** The repository's root: up from the working directory (the module's) to the README beside the parent pom. */
    private static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(pom)
                    && Files.readString(pom, StandardCharsets.UTF_8).contains("<modules>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no README.md beside a pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }
}

package dev.sluice;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java snippet of the README and docs/ compiles against the API as it is, and names no internal package: a
 * user who pastes one gets a program, not an error. A snippet is a method body (its {@code import} lines, if any,
 * go on top); the API's packages and java.nio.file, java.time and java.util are imported for it.
 */
class DocsJavaTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
    private static final String IMPORTS = """
            import dev.sluice.*;
            import dev.sluice.spi.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            """;

    record Snippet(Path file, int line, String code) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    @Test
    void everyJavaSnippetInTheDocsCompilesAgainstTheApiAlone() throws IOException {
        List<Snippet> snippets = snippets(repositoryRoot());
        assertThat(snippets).as("Java snippets in README.md and docs/").hasSizeGreaterThanOrEqualTo(2);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> failures = new ArrayList<>();
        Path out = Files.createTempDirectory("docs-java");
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            assertThat(s.code()).as(s.where() + " names an internal package").doesNotContain("dev.sluice.internal");
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
                boolean ok = javac.getTask(null, files, diagnostics,
                        List.of("-proc:none", "-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
                        null, List.of(source("Snippet" + i, s.code()))).call();
                if (!ok) {
                    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                        if (d.getKind() == Diagnostic.Kind.ERROR) {
                            failures.add(s.where() + ": " + d.getMessage(null));
                        }
                    }
                }
            }
        }
        assertThat(failures).as("snippets that do not compile").isEmpty();
    }

    @Test
    void aSnippetThatDoesNotCompileIsCaught() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(null, null, diagnostics, List.of("-proc:none", "-d", System.getProperty("java.io.tmpdir"),
                "-classpath", System.getProperty("java.class.path")), null,
                List.of(source("Broken", "Store store = Sqlite.open(\"not a path\");"))).call();
        assertThat(ok).isFalse();
    }

    /** The class a snippet becomes: its imports, then its lines as the body of a method that may throw. */
    private static JavaFileObject source(String name, String code) {
        StringBuilder imports = new StringBuilder(IMPORTS);
        StringBuilder body = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        String text = imports + "class " + name + " {\n    static void snippet() throws Exception {\n" + body + "    }\n}\n";
        return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }

    static List<Snippet> snippets(Path root) throws IOException {
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = JAVA_BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                snippets.add(new Snippet(f, line, m.group(1)));
            }
        }
        return snippets;
    }

    /** The checkout's root: the first directory up from here with the README and the parent pom. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("sluice-core"))) {
                return p;
            }
        }
        throw new UncheckedIOException(new IOException("no checkout root above " + Path.of("").toAbsolutePath()));
    }
}

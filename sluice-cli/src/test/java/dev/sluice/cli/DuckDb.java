package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * DuckDB, a Parquet reader independent of the parquet-java that writes Sluice's files, through its Node.js package
 * ({@value #PACKAGE}). npm installs it on first use into {@code target/duckdb-node}, where later runs find it: the
 * tests need Node.js and the npm registry, nothing else, and fail saying so when either is missing.
 */
final class DuckDb {
    static final String PACKAGE = "@duckdb/node-api@1.5.6-r.1";
    private static final Path HOME = Path.of("target", "duckdb-node").toAbsolutePath();
    /** Runs its arguments, SQL statements, in one in-memory database; prints the last one's rows as a JSON array. */
    private static final String SCRIPT = """
            import { DuckDBInstance } from '@duckdb/node-api';
            const c = await (await DuckDBInstance.create(':memory:')).connect();
            await c.run("SET TimeZone = 'UTC'");
            let rows;
            for (const sql of process.argv.slice(2)) rows = await c.runAndReadAll(sql);
            console.log(JSON.stringify(rows.getRowObjectsJson()));
            """;

    private DuckDb() {
    }

    /**
     * The rows of the last of {@code sql}, each as its columns' values as text ({@code null} for SQL's null), in
     * order: DuckDB's JSON form of them (a BIGINT or DECIMAL as its digits, a DATE as 2026-12-07, a DOUBLE as JS
     * prints it: 2.0 as 2).
     */
    static List<List<String>> query(String... sql) throws Exception {
        Path script = install();
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(List.of(sql));
        String out = run(command, HOME, 30);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : new ObjectMapper().readTree(out)) {
            List<String> values = new ArrayList<>();
            row.forEach(v -> values.add(v.isNull() ? null : v.asText()));
            rows.add(values);
        }
        return rows;
    }

    /** The package installed (once per machine and clean build), and the query script beside it. */
    private static synchronized Path install() throws Exception {
        Path script = HOME.resolve("query.mjs");
        if (!Files.isRegularFile(HOME.resolve("node_modules/@duckdb/node-api/package.json"))) {
            Files.createDirectories(HOME);
            Files.writeString(HOME.resolve("package.json"), "{\"private\": true}\n");
            run(List.of("node", "--version"), HOME, 10);
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", PACKAGE), HOME, 180);
        }
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        return script;
    }

    /** Runs {@code command} in {@code dir}; its standard output, or a failed test saying what went wrong. */
    private static String run(List<String> command, Path dir, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("duckdb", ".out");
        Path err = Files.createTempFile("duckdb", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                return fail("the Parquet files are read back by DuckDB for Node.js (" + PACKAGE + "): " + command.get(0)
                        + " is needed on the PATH (Debian: apt-get install nodejs npm): " + e.getMessage());
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail(String.join(" ", command) + " took more than " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                return fail(String.join(" ", command) + " failed (exit " + p.exitValue() + ") in " + dir + "; the Parquet files "
                        + "are read back by DuckDB for Node.js, which needs Node.js and the npm registry:\n"
                        + Files.readString(err) + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}

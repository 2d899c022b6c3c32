package dev.sluice.cli;

import dev.sluice.InvalidConfigException;
import dev.sluice.TableSpec;
import dev.sluice.internal.extract.Extractor;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The flags of a typed table, shared by {@code run}, {@code worker} and {@code demo}; turned into a {@link TableSpec}. */
final class TableOptions {
    @Option(names = "--table", paramLabel = "NAME",
            description = "Store rows in the typed table NAME (made and evolved as rows come): one row per response, per "
                    + "--rows match, or per value --jq emits; its columns from --extract, or the keys of --jq's objects.")
    String table;

    @Option(names = "--extract", paramLabel = "'NAME[:TYPE][!]=SOURCE:EXPR[ | STEP]…'",
            description = "A column of --table (repeatable). SOURCE: css, xpath, jq, jsonld, re, meta; TYPE: bool, bigint, "
                    + "decimal(p,s), double, date, timestamp, text, json; NAME[] takes every match (a child table), ! makes it "
                    + "required; STEP: trim, re:PATTERN, num, int, date:FORMAT, url, default:VALUE. "
                    + "E.g. 'price:double=css:p.price::text | num'.")
    List<String> extract = new ArrayList<>();

    @Option(names = "--rows", paramLabel = "css:SEL|xpath:EXPR|jq:EXPR",
            description = "One row of --table per match, its fields evaluated within it. Default: one row per response.")
    String rows;

    @Option(names = "--primary-key", paramLabel = "COL[,COL…]", split = ",",
            description = "The columns that identify a row of --table (needed by --write merge).")
    List<String> primaryKey = new ArrayList<>();

    @Option(names = "--write", paramLabel = "append|replace|merge", defaultValue = "append",
            description = "How rows meet earlier ones: append (a request fetched again replaces its own rows), replace (the "
                    + "run fetches every request again into a staged table that takes the table's place when the run is done) "
                    + "or merge (an upsert on --primary-key, the newest fetch wins). Default: ${DEFAULT-VALUE}.")
    String write;

    @Option(names = "--schema", paramLabel = "evolve|freeze|discard-row|discard-value",
            description = "What a new column or a value that does not fit does: evolve (columns added, inferred types widened), "
                    + "freeze (the row goes whole to 'rejects'), discard-row, discard-value. Default: freeze when every "
                    + "--extract declares its type, else evolve.")
    String schema;

    @Option(names = "--max-nesting", paramLabel = "N", defaultValue = "1",
            description = "How deep nested lists become child tables (TABLE__FIELD); deeper stays JSON. Default: ${DEFAULT-VALUE}.")
    int maxNesting;

    /** The table asked for, or null; {@code jq} is {@code --jq}, which makes its rows when there is a table. */
    TableSpec spec(CommandLine cmd, String jq) {
        if (table == null) {
            if (!extract.isEmpty() || rows != null || !primaryKey.isEmpty() || schema != null) {
                throw new CommandLine.ParameterException(cmd, "--extract, --rows, --primary-key and --schema need --table NAME: "
                        + "the table their rows go to");
            }
            return null;
        }
        try {
            TableSpec.Builder b = TableSpec.builder(table).rows(rows).jq(jq).primaryKey(primaryKey)
                    .write(word(cmd, "--write", write, TableSpec.WriteMode.values()))
                    .maxNesting(maxNesting);
            extract.forEach(b::field);
            if (schema != null) {
                b.schema(word(cmd, "--schema", schema, TableSpec.SchemaContract.values()));
            }
            TableSpec spec = b.build();
            Extractor.compile(spec); // its fields checked now, a usage error naming the flag; the Sluice compiles its own
            return spec;
        } catch (InvalidConfigException e) {
            throw new CommandLine.ParameterException(cmd, e.messageFor(optionOf(e.setting())));
        }
    }

    private static String optionOf(String setting) {
        return switch (setting) {
            case "maxNesting" -> "--max-nesting";
            case "primaryKey" -> "--primary-key";
            default -> "--" + setting;
        };
    }

    private static <E extends Enum<E>> E word(CommandLine cmd, String option, String value, E[] values) {
        String w = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        List<String> words = new ArrayList<>();
        for (E e : values) {
            if (e.name().equals(w)) {
                return e;
            }
            words.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new CommandLine.ParameterException(cmd, option + ": '" + value + "' is not one of " + String.join(", ", words));
    }
}

package dev.sluice.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * What a command talks to: its streams, whether stderr is a terminal, and whether it may install
 * signal handlers (only a real process may; in-process tests must not); and the arguments it was given, for the
 * record of a run (masked there).
 */
record CliContext(InputStream in, PrintStream out, PrintStream err, boolean terminal, boolean signals, List<String> args) {
}

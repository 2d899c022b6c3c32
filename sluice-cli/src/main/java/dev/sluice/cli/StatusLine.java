package dev.sluice.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one live progress line at the bottom of a terminal. Log lines go through {@link #printAbove}, which
 * erases the progress line, prints the log text, and draws the progress line again, so the two never
 * garble each other.
 *
 * <p>Thread-safe: everything that writes to the terminal holds {@code lock} (a ReentrantLock, since
 * virtual fetch threads may log).
 */
final class StatusLine {
    private static final String ERASE = "\r\033[2K";

    private final PrintStream terminal;
    private final ReentrantLock lock = new ReentrantLock();
    private String current = ""; // guarded by lock

    StatusLine(PrintStream terminal) {
        this.terminal = terminal;
    }

    /** Prints log text (ending in a newline) above the progress line. */
    void printAbove(String text) {
        lock.lock();
        try {
            terminal.print(current.isEmpty() ? text : ERASE + text + current);
            terminal.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the progress line. */
    void show(String line) {
        lock.lock();
        try {
            current = line;
            terminal.print(ERASE + line);
            terminal.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the progress line for good (before the summary is printed). */
    void clear() {
        lock.lock();
        try {
            if (!current.isEmpty()) {
                terminal.print(ERASE);
                terminal.flush();
            }
            current = "";
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether standard error is an interactive terminal (so a live line makes sense). On Linux, asked of the file it
     * is (/proc/self/fd/2): the JDK's console answers for standard input and output, and from a terminal,
     * {@code sluice run … 2> log} would write the line's escape sequences into the log. Elsewhere, the console.
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM")) || System.getenv("TERM") == null) {
            return false;
        }
        Path stderr = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(stderr)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(stderr).toString());
            } catch (IOException e) {
                return false;
            }
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+: System.console() exists even when redirected; ask whether it is a terminal
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Whether a file descriptor that leads to {@code path} (as /proc shows it) is a terminal: not a file, pipe or socket. */
    private static boolean isTerminalDevice(String path) {
        return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
    }
}

package dev.sluice.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written beside its place, as {@code .NAME.partial}, and renamed into place once whole: whoever reads the file
 * (a browser showing the last report, a job loading the last export) never sees half of it, and a write that fails
 * leaves what was there. On the thread of the command that writes it.
 */
final class WholeFile implements Closeable {
    private final Path file;
    private final Path partial;

    WholeFile(Path file) {
        this.file = file;
        this.partial = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".partial");
    }

    /** Where to write the file's bytes. */
    Path partial() {
        return partial;
    }

    /** The partial file, written and closed, takes the file's place. */
    void commit() throws IOException {
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes what is left of the partial file: nothing once committed. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(partial);
    }
}

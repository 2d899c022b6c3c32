package dev.sluice.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small tmpfs of the test's own, mounted on a directory and unmounted by {@link #close()}, to fill it up.
 * Mounting needs root, which the tests have on CI: without it they fail, saying so, rather than pass untested.
 */
public final class Tmpfs implements AutoCloseable {
    private static final int PAGE = 4096;

    private final Path dir;
    private final Path filler;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@code kib} KiB on {@code dir} (created if missing). */
    public static Tmpfs mount(Path dir, int kib) throws Exception {
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString());
        if (out != null) {
            throw new AssertionError("cannot mount a tmpfs on " + dir + " (the disk-full tests mount their own, as root, as on CI): " + out);
        }
        return new Tmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file until the tmpfs is full, then gives {@code pages} pages of it back. */
    public void fillLeaving(int pages) throws IOException {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer page = ByteBuffer.allocate(PAGE);
            try {
                while (true) {
                    page.clear();
                    ch.write(page);
                }
            } catch (IOException full) {
                // No space left on device: the point
            }
            ch.truncate(Math.max(0, (ch.size() / PAGE - pages) * PAGE));
        }
    }

    /** Deletes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws Exception {
        String out = run("umount", dir.toString());
        if (out != null && run("umount", "-l", dir.toString()) != null) {
            throw new IllegalStateException("cannot unmount " + dir + ": " + out);
        }
    }

    /** Runs a command; returns null when it succeeded, else its output and exit code. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        return code == 0 ? null : out + " (exit " + code + ")";
    }
}

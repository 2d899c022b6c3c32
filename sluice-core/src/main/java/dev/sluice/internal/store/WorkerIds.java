package dev.sluice.internal.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Names of worker processes, as {@code workers.id}, {@code queue.lease_owner} and {@code runs.worker} keep them. */
public final class WorkerIds {
    private WorkerIds() {
    }

    /** host:pid:random — unique among workers, and says where to look for one. */
    public static String next() {
        return host() + ":" + ProcessHandle.current().pid() + ":" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /**
     * Whether the worker {@code id} names ran on this machine in a process that has ended (its pid is gone). False
     * when that cannot be told: another machine's, or a name not of {@link #next}'s form.
     */
    public static boolean endedHere(String id) {
        String[] parts = id == null ? new String[0] : id.split(":");
        if (parts.length != 3 || !parts[0].equals(host())) {
            return false;
        }
        try {
            return ProcessHandle.of(Long.parseLong(parts[1])).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "unknown";
            }
        }
    }
}

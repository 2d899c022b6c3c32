package dev.sluice.internal.process;

import dev.sluice.FetchedBody;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Sluice's CPU stage on one body, one thread: what ProcessStage does per body (SHA-256, hex) and the
 * JqProcessor, warm. Usage: CpuStage BODY EXPRESSION SECONDS MODE, MODE "fast" (the processor as it runs)
 * or "whole" (Jackson's whole tree, the way before the projection). Prints 'MODE ms_per_body MB/s record'
 * (best batch of 20 after a warm-up as long as the measurement).
 */
public final class CpuStage {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        JqProcessor processor = JqProcessor.compile(args[1]);
        long nanos = (long) (Double.parseDouble(args[2]) * 1e9);
        boolean whole = args[3].equals("whole");
        FetchedBody fetched = new FetchedBody("http://bench/", null, 200, "application/json", body);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        double best = Double.MAX_VALUE;
        List<String> records = null;
        for (int round = 0; round < 2; round++) { // warm-up, then measured
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                long t = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    sink = hex.formatHex(sha256.digest(body));
                    records = whole ? processor.processWhole(fetched) : processor.process(fetched);
                }
                if (round == 1) {
                    best = Math.min(best, (System.nanoTime() - t) / 20.0);
                }
            }
        }
        System.out.printf("%s %.4f %.1f %s%n", args[3], best / 1e6, body.length / 1e6 / (best / 1e9), String.join(" ", records));
    }
}

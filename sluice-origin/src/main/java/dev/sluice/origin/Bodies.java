package dev.sluice.origin;

import java.nio.charset.StandardCharsets;

/** The response bodies the origin serves. Stateless. */
final class Bodies {
    private Bodies() {}

    /** A small, valid JSON object describing an item named after the last path segment. */
    static byte[] item(String path, long number) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        String name = last.isEmpty() ? "item" : "item " + last;
        return utf8("{\"path\":" + quote(path) + ",\"n\":" + number + ",\"items\":[1,2,3],\"name\":" + quote(name)
                + ",\"tags\":[\"alpha\",\"beta\",\"gamma\"],\"price\":12.5,\"available\":true"
                + ",\"description\":\"A small, well-formed JSON object from the Sluice origin.\"}");
    }

    static byte[] error(int status) {
        return utf8("{\"error\":" + status + "}");
    }

    static byte[] error(int status, String message) {
        return utf8("{\"error\":" + status + ",\"message\":" + quote(message) + "}");
    }

    /** Exactly {@code size} bytes: a JSON object padded to length, or plain padding when too short for one. */
    static byte[] padded(int size) {
        String open = "{\"pad\":\"";
        String close = "\"}";
        int padding = size - open.length() - close.length();
        return utf8(padding < 0 ? "x".repeat(size) : open + "x".repeat(padding) + close);
    }

    static byte[] malformed() {
        return utf8("{\"unterminated\": [1, 2");
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

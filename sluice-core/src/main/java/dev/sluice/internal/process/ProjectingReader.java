package dev.sluice.internal.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a JSON body (UTF-8 bytes) into a Jackson tree that holds only what a {@link Projection} asks
 * for; everything else is checked for syntax and skipped without being built. The nodes it builds are
 * those Jackson's {@code ObjectMapper.readTree} builds for the same text (same node classes and values:
 * ints that fit an int are {@link com.fasterxml.jackson.databind.node.IntNode}s, then longs, then
 * big integers; other numbers doubles; a repeated member name keeps its first place and its last
 * value), so a jq expression that reads only the projection gives the same output on either tree.
 *
 * <p>Strict and small on purpose: it reads RFC 8259 JSON in UTF-8 within limits below Jackson's
 * (nesting 500, numbers of 100 characters, strings of 10 million bytes) and nothing else: a byte order
 * mark, invalid UTF-8, anything after the value, a syntax error, a text past a limit throws
 * {@link NotHandled}, and the caller lets Jackson read the body (which also reports the error). Whatever
 * this reader accepts, Jackson accepts too.
 *
 * <p>One instance per read; not thread-safe.
 */
final class ProjectingReader {
    /** The body is left to Jackson: outside what this reader handles, or not JSON. */
    static final class NotHandled extends Exception {
        private static final NotHandled INSTANCE = new NotHandled();

        private NotHandled() {
            super("not handled", null, false, false);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What stands for a value whose type and contents nothing reads (a member counted by {@code length}). */
    private static final JsonNode PLACEHOLDER = NullNode.getInstance();
    private static final int MAX_DEPTH = 500;
    private static final int MAX_NUMBER_CHARS = 100;
    private static final int MAX_STRING_BYTES = 10_000_000;
    private static final int MAX_NAME_BYTES = 40_000;
    /** Powers of ten a double holds exactly. */
    private static final double[] POW10 = new double[23];
    /** Bytes a string holds as they are: printable ASCII but '"' and '\'. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private final byte[] b;
    private int p;
    /** Set by a \\u escape of a UTF-16 surrogate: Jackson checks their pairing in member names, not in values. */
    private boolean surrogateEscaped;

    private ProjectingReader(byte[] body) {
        this.b = body;
    }

    /** The tree of {@code body} as far as {@code projection} reads; null projection: nothing read (only checked). */
    static JsonNode read(byte[] body, Projection projection) throws NotHandled {
        ProjectingReader r = new ProjectingReader(body);
        try {
            r.space();
            JsonNode root;
            if (projection == null) {
                r.skip(0);
                root = PLACEHOLDER;
            } else {
                root = r.value(projection, 0);
            }
            if (r.p < body.length) {
                r.space();
                if (r.p < body.length) {
                    throw NotHandled.INSTANCE; // Jackson ignores or rejects what follows
                }
            }
            return root;
        } catch (ArrayIndexOutOfBoundsException endOfInput) {
            throw NotHandled.INSTANCE;
        }
    }

    // --- building --------------------------------------------------------------------------------

    private JsonNode value(Projection pr, int depth) throws NotHandled {
        switch (b[p]) {
            case '{':
                return pr.full ? fullObject(depth + 1) : object(pr, depth + 1);
            case '[':
                return pr.full ? fullArray(depth + 1) : array(pr, depth + 1);
            default:
                return scalar();
        }
    }

    private JsonNode fullValue(int depth) throws NotHandled {
        switch (b[p]) {
            case '{':
                return fullObject(depth + 1);
            case '[':
                return fullArray(depth + 1);
            default:
                return scalar();
        }
    }

    private ObjectNode object(Projection pr, int depth) throws NotHandled {
        checkDepth(depth);
        p++;
        ObjectNode node = NODES.objectNode();
        space();
        if (b[p] == '}') {
            p++;
            return node;
        }
        while (true) {
            if (b[p] != '"') {
                throw NotHandled.INSTANCE;
            }
            int start = p + 1;
            surrogateEscaped = false;
            boolean plain = skipString();
            int end = p - 1;
            checkName(end - start);
            String name = null;
            Projection child = null;
            if (plain) {
                int len = end - start;
                for (int i = 0; i < pr.utf8.length; i++) {
                    byte[] n = pr.utf8[i];
                    if (n.length == len && Arrays.equals(b, start, end, n, 0, len)) {
                        name = pr.names[i];
                        child = pr.children[i];
                        break;
                    }
                }
                if (name == null) {
                    child = pr.any;
                }
            } else {
                name = decode(start, end);
                child = pr.member(name);
            }
            colon();
            if (child != null || pr.allKeys) {
                if (name == null) {
                    name = plain ? new String(b, start, end - start, StandardCharsets.ISO_8859_1) : decode(start, end);
                }
                if (child != null) {
                    node.replace(name, value(child, depth));
                } else {
                    skip(depth);
                    node.replace(name, PLACEHOLDER);
                }
            } else {
                skip(depth);
            }
            if (next('}')) {
                return node;
            }
        }
    }

    private ArrayNode array(Projection pr, int depth) throws NotHandled {
        checkDepth(depth);
        p++;
        ArrayNode node = NODES.arrayNode();
        space();
        if (b[p] == ']') {
            p++;
            return node;
        }
        Projection element = pr.any;
        while (true) {
            if (element != null) {
                node.add(value(element, depth));
            } else {
                skip(depth);
                node.add(PLACEHOLDER); // counted: length, keys, negative indexes
            }
            if (next(']')) {
                return node;
            }
        }
    }

    private ObjectNode fullObject(int depth) throws NotHandled {
        checkDepth(depth);
        p++;
        ObjectNode node = NODES.objectNode();
        space();
        if (b[p] == '}') {
            p++;
            return node;
        }
        while (true) {
            if (b[p] != '"') {
                throw NotHandled.INSTANCE;
            }
            int start = p;
            surrogateEscaped = false;
            String name = string();
            checkName(p - start - 2);
            colon();
            node.replace(name, fullValue(depth));
            if (next('}')) {
                return node;
            }
        }
    }

    private ArrayNode fullArray(int depth) throws NotHandled {
        checkDepth(depth);
        p++;
        ArrayNode node = NODES.arrayNode();
        space();
        if (b[p] == ']') {
            p++;
            return node;
        }
        while (true) {
            node.add(fullValue(depth));
            if (next(']')) {
                return node;
            }
        }
    }

    private JsonNode scalar() throws NotHandled {
        byte c = b[p];
        if (c == '"') {
            return NODES.textNode(string());
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        literal();
        return c == 't' ? NODES.booleanNode(true) : c == 'f' ? NODES.booleanNode(false) : NODES.nullNode();
    }

    /** A string value or member name; {@code p} on its opening quote, left after the closing one. */
    private String string() throws NotHandled {
        int start = p + 1;
        int i = start;
        while (PLAIN[b[i] & 0xff]) {
            i++;
        }
        if (b[i] == '"') {
            p = i + 1;
            checkLength(i - start);
            return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        }
        p = start - 1;
        skipString();
        return decode(start, p - 1);
    }

    /** The text of the string between {@code start} and {@code end} (exclusive), already checked by skipString. */
    private String decode(int start, int end) {
        StringBuilder s = new StringBuilder(end - start);
        int i = start;
        while (i < end) {
            int run = i;
            while (i < end && b[i] != '\\') {
                i++;
            }
            if (i > run) {
                s.append(new String(b, run, i - run, StandardCharsets.UTF_8)); // well-formed: checked
            }
            if (i == end) {
                break;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    s.append((char) ((hex(b[i]) << 12) | (hex(b[i + 1]) << 8) | (hex(b[i + 2]) << 4) | hex(b[i + 3])));
                    i += 4;
                }
                default -> s.append((char) e); // " \ /
            }
        }
        return s.toString();
    }

    private static int hex(byte h) {
        return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10;
    }

    private JsonNode number() throws NotHandled {
        int start = p;
        boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        long mantissa = 0;
        int digits = 0; // in the mantissa, at most 18 kept
        boolean exact = true; // the mantissa holds every digit
        int scale = 0;
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            while (b[p] >= '0' && b[p] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (b[p] - '0');
                    digits++;
                } else {
                    exact = false;
                }
                p++;
            }
        } else {
            throw NotHandled.INSTANCE;
        }
        boolean integral = true;
        if (b[p] == '.') {
            integral = false;
            p++;
            if (b[p] < '0' || b[p] > '9') {
                throw NotHandled.INSTANCE;
            }
            while (b[p] >= '0' && b[p] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (b[p] - '0');
                    digits += mantissa == 0 ? 0 : 1; // leading zeros of the fraction cost no precision
                    scale--;
                } else {
                    exact = false;
                }
                p++;
            }
        }
        if (b[p] == 'e' || b[p] == 'E') {
            integral = false;
            p++;
            boolean negativeExponent = b[p] == '-';
            if (b[p] == '-' || b[p] == '+') {
                p++;
            }
            if (b[p] < '0' || b[p] > '9') {
                throw NotHandled.INSTANCE;
            }
            int exponent = 0;
            while (b[p] >= '0' && b[p] <= '9') {
                exponent = Math.min(exponent * 10 + (b[p] - '0'), 100_000);
                p++;
            }
            scale += negativeExponent ? -exponent : exponent;
        }
        int length = p - start;
        if (length > MAX_NUMBER_CHARS) {
            throw NotHandled.INSTANCE;
        }
        if (integral) {
            if (exact) {
                long v = negative ? -mantissa : mantissa;
                return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
            }
            BigInteger v = new BigInteger(new String(b, start, length, StandardCharsets.ISO_8859_1));
            return v.bitLength() < 64 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
        }
        double v;
        if (exact && mantissa < (1L << 53) && scale >= -22 && scale <= 22) {
            // both operands exact, so one rounding: the correctly rounded value, as Double.parseDouble gives
            v = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
            v = negative ? -v : v;
        } else {
            v = Double.parseDouble(new String(b, start, length, StandardCharsets.ISO_8859_1));
        }
        return NODES.numberNode(v);
    }

    // --- checking without building ---------------------------------------------------------------

    /** Skips one value, checking its syntax. */
    private void skip(int depth) throws NotHandled {
        byte c = b[p];
        if (c == '"') {
            skipString();
        } else if (c == '{') {
            checkDepth(depth + 1);
            p++;
            space();
            if (b[p] == '}') {
                p++;
                return;
            }
            do {
                if (b[p] != '"') {
                    throw NotHandled.INSTANCE;
                }
                int start = p;
                surrogateEscaped = false;
                skipString();
                checkName(p - start - 2);
                colon();
                skip(depth + 1);
            } while (!next('}'));
        } else if (c == '[') {
            checkDepth(depth + 1);
            p++;
            space();
            if (b[p] == ']') {
                p++;
                return;
            }
            do {
                skip(depth + 1);
            } while (!next(']'));
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            skipNumber();
        } else {
            literal();
        }
    }

    /**
     * Skips a string ({@code p} on its opening quote, left after the closing one), checking escapes and
     * UTF-8; true when it holds only printable ASCII without escapes.
     */
    private boolean skipString() throws NotHandled {
        int start = ++p;
        boolean plain = true;
        while (true) {
            int c = b[p] & 0xff;
            if (PLAIN[c]) {
                p++;
            } else if (c == '"') {
                checkLength(p - start);
                p++;
                return plain;
            } else if (c == '\\') {
                plain = false;
                escape();
            } else if (c >= 0x80) {
                plain = false;
                utf8(c);
            } else {
                throw NotHandled.INSTANCE; // a control character
            }
        }
    }

    private void escape() throws NotHandled {
        switch (b[p + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> p += 2;
            case 'u' -> {
                for (int i = p + 2; i < p + 6; i++) {
                    byte h = b[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                        throw NotHandled.INSTANCE;
                    }
                }
                surrogateEscaped |= hex(b[p + 2]) == 0xD && hex(b[p + 3]) >= 8;
                p += 6;
            }
            default -> throw NotHandled.INSTANCE;
        }
    }

    /** One UTF-8 sequence starting with {@code c} at {@code p}: well-formed (RFC 3629: no overlong forms, no surrogates). */
    private void utf8(int c) throws NotHandled {
        if (c < 0xC2) {
            throw NotHandled.INSTANCE;
        } else if (c < 0xE0) {
            continuation(p + 1);
            p += 2;
        } else if (c < 0xF0) {
            int c1 = b[p + 1] & 0xff;
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
                throw NotHandled.INSTANCE;
            }
            continuation(p + 1);
            continuation(p + 2);
            p += 3;
        } else if (c < 0xF5) {
            int c1 = b[p + 1] & 0xff;
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
                throw NotHandled.INSTANCE;
            }
            continuation(p + 1);
            continuation(p + 2);
            continuation(p + 3);
            p += 4;
        } else {
            throw NotHandled.INSTANCE;
        }
    }

    private void continuation(int i) throws NotHandled {
        if ((b[i] & 0xC0) != 0x80) {
            throw NotHandled.INSTANCE;
        }
    }

    private void skipNumber() throws NotHandled {
        int start = p;
        if (b[p] == '-') {
            p++;
        }
        if (b[p] == '0') {
            p++;
        } else if (b[p] >= '1' && b[p] <= '9') {
            p = digits(p);
        } else {
            throw NotHandled.INSTANCE;
        }
        if (b[p] == '.') {
            p++;
            p = digitsAtLeastOne(p);
        }
        if (b[p] == 'e' || b[p] == 'E') {
            p++;
            if (b[p] == '-' || b[p] == '+') {
                p++;
            }
            p = digitsAtLeastOne(p);
        }
        if (p - start > MAX_NUMBER_CHARS) {
            throw NotHandled.INSTANCE;
        }
    }

    private int digits(int i) {
        while (b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    private int digitsAtLeastOne(int i) throws NotHandled {
        if (b[i] < '0' || b[i] > '9') {
            throw NotHandled.INSTANCE;
        }
        return digits(i + 1);
    }

    /** true, false or null, followed by something that ends a value (checked by the caller's next step). */
    private void literal() throws NotHandled {
        byte c = b[p];
        if (c == 't' && b[p + 1] == 'r' && b[p + 2] == 'u' && b[p + 3] == 'e') {
            p += 4;
        } else if (c == 'f' && b[p + 1] == 'a' && b[p + 2] == 'l' && b[p + 3] == 's' && b[p + 4] == 'e') {
            p += 5;
        } else if (c == 'n' && b[p + 1] == 'u' && b[p + 2] == 'l' && b[p + 3] == 'l') {
            p += 4;
        } else {
            throw NotHandled.INSTANCE;
        }
    }

    // --- punctuation -----------------------------------------------------------------------------

    private void space() {
        while (p < b.length) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            p++;
        }
    }

    /** Whitespace, ':', whitespace (after a member name). */
    private void colon() throws NotHandled {
        space();
        if (b[p] != ':') {
            throw NotHandled.INSTANCE;
        }
        p++;
        space();
    }

    /** After a member or element: true at the closing {@code close} (consumed), false at a ',' (consumed, with the space after it). */
    private boolean next(char close) throws NotHandled {
        space();
        byte c = b[p];
        p++;
        if (c == ',') {
            space();
            return false;
        }
        if (c == close) {
            return true;
        }
        throw NotHandled.INSTANCE;
    }

    private static void checkDepth(int depth) throws NotHandled {
        if (depth > MAX_DEPTH) {
            throw NotHandled.INSTANCE;
        }
    }

    /** After a member name: within Jackson's limit, and no surrogate escapes (left to Jackson). */
    private void checkName(int bytes) throws NotHandled {
        if (bytes > MAX_NAME_BYTES || surrogateEscaped) {
            throw NotHandled.INSTANCE;
        }
    }

    private static void checkLength(int bytes) throws NotHandled {
        if (bytes > MAX_STRING_BYTES) {
            throw NotHandled.INSTANCE;
        }
    }
}

package dev.sluice.internal.extract;

/**
 * Column and table names. A field's name must already be one ({@link #checkColumn}); a JSON key becomes one as dlt's
 * {@code snake_case} naming convention makes it ({@link #of}), so tables loaded by either read alike: white space
 * around it dropped; {@code +} and {@code *} to {@code x}, {@code -} to {@code _}, {@code @} to {@code a}, {@code |}
 * to {@code l}; every other run of characters that are not ASCII letters, digits or {@code _} to one {@code _};
 * camelCase broken into snake_case ({@code DealFlow} {@code deal_flow}, {@code userID} {@code user_id}); lower-cased; a
 * leading digit prefixed with {@code _}; each trailing {@code _} made {@code x}; runs of {@code _} made one ({@code __}
 * is the separator of nested names, {@code a__b}). An empty key is {@code _empty}. A name longer than PostgreSQL's 63
 * characters is cut, with a hash of the whole name so that two long names stay two ({@link #shorten}). Stateless.
 */
final class Names {
    /** The longest name PostgreSQL keeps. */
    static final int MAX = 63;

    private Names() {
    }

    /** A {@link BadSpec} unless {@code name} is a lower-case SQL name with no {@code __} in it. */
    static void checkColumn(String name) {
        boolean ok = !name.isEmpty() && name.length() <= MAX && !name.contains("__")
                && (name.charAt(0) == '_' || (name.charAt(0) >= 'a' && name.charAt(0) <= 'z'));
        for (int i = 0; ok && i < name.length(); i++) {
            ok = lowerAlnum(name.charAt(i));
        }
        if (!ok) {
            throw new BadSpec("name '" + name + "' must be a lower-case SQL name: letters a-z, digits and single "
                    + "underscores, starting with a letter or an underscore, at most " + MAX + " characters");
        }
    }

    /** The column name of JSON key {@code key}. */
    static String of(String key) {
        return plain(key) ? key : snakeCase(key);
    }

    /** Whether {@code key} is its own name: what {@link #snakeCase} would leave as it is. */
    static boolean plain(String key) {
        int n = key.length();
        if (n == 0 || n > MAX || key.charAt(n - 1) == '_' || (key.charAt(0) >= '0' && key.charAt(0) <= '9')) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!lowerAlnum(c) || (c == '_' && i > 0 && key.charAt(i - 1) == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean lowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    static String snakeCase(String key) {
        String k = key.strip();
        if (k.isEmpty()) {
            return "_empty";
        }
        String reduced = reduce(k);
        StringBuilder b = new StringBuilder(reduced.length() + 8);
        for (int i = 0; i < reduced.length(); i++) {
            char c = reduced.charAt(i);
            if (isUpper(c) && i > 0 && breaksBefore(reduced, i)) {
                b.append('_');
            }
            b.append(isUpper(c) ? (char) (c + ('a' - 'A')) : c);
        }
        if (b.charAt(0) >= '0' && b.charAt(0) <= '9') {
            b.insert(0, '_');
        }
        for (int i = b.length() - 1; i >= 0 && b.charAt(i) == '_'; i--) {
            b.setCharAt(i, 'x');
        }
        return shorten(collapseUnderscores(b));
    }

    /** The alphabet reduced: {@code + * - @ |} replaced, any other run of non-[A-Za-z0-9_] characters one {@code _}. */
    private static String reduce(String k) {
        StringBuilder b = new StringBuilder(k.length());
        boolean inRun = false;
        for (int i = 0; i < k.length(); i++) {
            char c = switch (k.charAt(i)) {
                case '+', '*' -> 'x';
                case '-' -> '_';
                case '@' -> 'a';
                case '|' -> 'l';
                default -> k.charAt(i);
            };
            boolean kept = (c >= 'a' && c <= 'z') || isUpper(c) || (c >= '0' && c <= '9') || c == '_';
            if (kept) {
                b.append(c);
            } else if (!inRun) {
                b.append('_');
            }
            inRun = !kept;
        }
        return b.toString();
    }

    /**
     * Whether a {@code _} goes before the capital at {@code i}: after a lower-case letter or a digit
     * ({@code userID}), or before a lower-case letter after anything but {@code _} ({@code HTTPResponse}).
     */
    private static boolean breaksBefore(String s, int i) {
        char prev = s.charAt(i - 1);
        boolean lowerNext = i + 1 < s.length() && s.charAt(i + 1) >= 'a' && s.charAt(i + 1) <= 'z';
        return (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') || (prev != '_' && lowerNext);
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static String collapseUnderscores(CharSequence s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_' || b.isEmpty() || b.charAt(b.length() - 1) != '_') {
                b.append(s.charAt(i));
            }
        }
        return b.toString();
    }

    /** {@code name}, or when longer than {@link #MAX}: its first 54 characters, {@code _} and 8 hex digits of its hash. */
    static String shorten(String name) {
        if (name.length() <= MAX) {
            return name;
        }
        String hash = Integer.toHexString(name.hashCode());
        return name.substring(0, MAX - 9) + "_" + "0".repeat(8 - hash.length()) + hash;
    }

    /** {@code name} with the suffix {@code _k} ({@code k} from 2), a free name for a column whose name is taken. */
    static String suffixed(String name, int k) {
        String suffix = "_" + k;
        return (name.length() + suffix.length() > MAX ? name.substring(0, MAX - suffix.length()) : name) + suffix;
    }
}

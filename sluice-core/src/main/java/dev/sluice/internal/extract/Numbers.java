package dev.sluice.internal.extract;

import java.math.BigDecimal;

/**
 * Numbers in text: the first one in any text (the {@code num} step) and the strict syntax of a declared number
 * column. Stateless.
 *
 * <p>{@code num} reads English-style numbers, as prices on most pages are written: {@code ,} between groups of
 * exactly three digits is a thousands separator ({@code $1,299.00} is 1299.00), {@code .} followed by a digit is the
 * decimal point, a {@code -} (or U+2212) right before the digits that follows no letter or digit makes it negative
 * ({@code -5}, {@code $-5}, not {@code SKU-5}). No exponents. Any other convention ({@code 1.299,00 €}, {@code 1 299})
 * reads only up to the separator: rewrite such text with {@code re:} first.
 */
final class Numbers {
    private Numbers() {
    }

    /** The first number in {@code s}, exactly as written (its scale kept: {@code 1299.00}); null when there is none. */
    static BigDecimal first(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !startsNumber(s, i)) {
            i++;
        }
        if (i == n) {
            return null;
        }
        StringBuilder b = new StringBuilder(16);
        if (negative(s, i)) {
            b.append('-');
        }
        int j = i;
        while (j < n) {
            char c = s.charAt(j);
            if (isDigit(c)) {
                b.append(c);
                j++;
            } else if (c == ',' && j > i && group(s, j)) {
                j++;
            } else {
                break;
            }
        }
        if (j + 1 < n && s.charAt(j) == '.' && isDigit(s.charAt(j + 1))) {
            b.append('.');
            j++;
            while (j < n && isDigit(s.charAt(j))) {
                b.append(s.charAt(j++));
            }
        }
        return new BigDecimal(b.toString());
    }

    private static boolean startsNumber(String s, int i) {
        char c = s.charAt(i);
        return isDigit(c) || (c == '.' && i + 1 < s.length() && isDigit(s.charAt(i + 1)));
    }

    private static boolean negative(String s, int i) {
        if (i == 0 || (s.charAt(i - 1) != '-' && s.charAt(i - 1) != '\u2212')) {
            return false;
        }
        return i == 1 || !Character.isLetterOrDigit(s.charAt(i - 2));
    }

    /** Whether the {@code ,} at {@code j} is followed by exactly three digits. */
    private static boolean group(String s, int j) {
        int n = s.length();
        if (j + 3 >= n) {
            return false;
        }
        for (int k = j + 1; k <= j + 3; k++) {
            if (!isDigit(s.charAt(k))) {
                return false;
            }
        }
        return j + 4 == n || !isDigit(s.charAt(j + 4));
    }

    /**
     * {@code s} as a number when it is one and nothing else: a sign, digits with a decimal point, an exponent
     * ({@code 19.99}, {@code -3}, {@code 1e6}); null for anything else ({@code $5}, {@code 1,000}, {@code NaN},
     * {@code 0x10}).
     */
    static BigDecimal strict(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0 || exponent > 9) {
                return null;
            }
        }
        return i == n ? new BigDecimal(s) : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

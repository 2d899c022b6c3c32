package dev.sluice;

/**
 * A value that did not go into its table: a required field that is missing, a value that does not convert to its
 * column's type or does not fit the schema contract. Stored in {@code rejects} with the response's request, so nothing
 * is dropped silently. Immutable.
 *
 * @param table    the table the value was for
 * @param row      the row's position ({@link TableRow#row()}), or -1 when no row was made
 * @param column   the column (field) the value was for
 * @param value    the value as extracted, cut to 1,000 characters; null when missing
 * @param selector the field's source as written ({@code css:p.price::text}), or null when it came from {@code --jq}'s keys
 * @param reason   why it was rejected, in words ({@code not a number}, {@code required, but missing}, …)
 */
public record Rejected(String table, int row, String column, String value, String selector, String reason) {
    /** The most characters of a value kept. */
    public static final int MAX_VALUE_CHARS = 1_000;

    public Rejected {
        if (value != null && value.length() > MAX_VALUE_CHARS) {
            value = value.substring(0, MAX_VALUE_CHARS);
        }
    }
}

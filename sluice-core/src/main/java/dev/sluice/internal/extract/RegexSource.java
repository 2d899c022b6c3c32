package dev.sluice.internal.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code re:PATTERN}: a Java regular expression on the row's text ({@link RowScope#text}: the whole body as text,
 * scripts and markup included; with {@code --rows}, the row's element's HTML or value's JSON); group 1 when the
 * pattern has a group, else the whole match. The first match, or all with {@code NAME[]}.
 */
record RegexSource(Pattern pattern) implements Source {

    static RegexSource compile(String expression) {
        try {
            return new RegexSource(Pattern.compile(expression));
        } catch (PatternSyntaxException e) {
            throw new BadSpec("invalid regular expression '" + expression + "': " + e.getDescription()
                    + " at index " + e.getIndex());
        }
    }

    @Override
    public List<Object> read(RowScope scope, Body body, boolean all) {
        Matcher m = pattern.matcher(scope.text(body));
        List<Object> values = new ArrayList<>();
        boolean group = m.groupCount() > 0;
        while (m.find()) {
            values.add(group ? m.group(1) : m.group());
            if (!all) {
                break;
            }
        }
        return values;
    }

    @Override
    public Reads reads() {
        return Reads.ANY;
    }
}

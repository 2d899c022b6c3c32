package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    private static final Instant MODIFIED = Instant.ofEpochSecond(1445412480); // Wed, 21 Oct 2015 07:28:00 GMT

    @Test
    void ifNoneMatchMatchesTheQuotedTagInAListWeakOrStrong() {
        assertThat(ifNoneMatch("\"v1\"").notModified("v1", null)).isTrue();
        assertThat(ifNoneMatch("\"a\", W/\"v1\" ,\"b\"").notModified("v1", null)).isTrue();
        assertThat(ifNoneMatch("W/\"v1\"").notModified("v1", null)).isTrue();
        assertThat(ifNoneMatch("*").notModified("v1", null)).isTrue();
        assertThat(ifNoneMatch("*").notModified(null, MODIFIED)).isTrue();
    }

    @Test
    void ifNoneMatchDoesNotMatchOtherOrUnquotedTags() {
        assertThat(ifNoneMatch("\"v2\"").notModified("v1", null)).isFalse();
        assertThat(ifNoneMatch("v1").notModified("v1", null)).isFalse();
        assertThat(ifNoneMatch("\"v1").notModified("v1", null)).isFalse();
        assertThat(ifNoneMatch("\"v1\"").notModified(null, MODIFIED)).isFalse();
    }

    @Test
    void ifModifiedSinceNotEarlierThanLastModifiedIsNotModified() {
        assertThat(ifModifiedSince("Wed, 21 Oct 2015 07:28:00 GMT").notModified(null, MODIFIED)).isTrue();
        assertThat(ifModifiedSince("Wed, 21 Oct 2015 07:28:01 GMT").notModified(null, MODIFIED)).isTrue();
        assertThat(ifModifiedSince("Wed, 21 Oct 2015 07:27:59 GMT").notModified(null, MODIFIED)).isFalse();
        assertThat(ifModifiedSince("Wed, 21 Oct 2015 07:28:00 GMT").notModified("v1", null)).isFalse();
    }

    @Test
    void ignoresIfModifiedSinceThatIsNoDate() {
        assertThat(ifModifiedSince("yesterday").notModified(null, MODIFIED)).isFalse();
        assertThat(ifModifiedSince("").notModified(null, MODIFIED)).isFalse();
    }

    @Test
    void ifNoneMatchDecidesWhenBothAreSent() {
        String since = "Wed, 21 Oct 2015 07:28:00 GMT";

        assertThat(Conditions.of("\"v2\"", since).notModified("v1", MODIFIED)).isFalse();
        assertThat(Conditions.of("\"v1\"", "Wed, 21 Oct 2015 07:00:00 GMT").notModified("v1", MODIFIED)).isTrue();
    }

    @Test
    void formatsHttpDatesWithTwoDigitDaysInGmt() {
        assertThat(Conditions.httpDate(MODIFIED)).isEqualTo("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(Conditions.httpDate(Instant.ofEpochSecond(1709283907))).isEqualTo("Fri, 01 Mar 2024 09:05:07 GMT");
    }

    @Test
    void givesRecordedHeadersByNameInAnyCase() {
        Conditions conditions = Conditions.of("\"v1\"", null);

        assertThat(conditions.header("if-none-match")).hasValue("\"v1\"");
        assertThat(conditions.header("If-Modified-Since")).isEmpty();
        assertThat(Conditions.of(null, null)).isSameAs(Conditions.NONE);
        assertThatThrownBy(() -> conditions.header("User-Agent")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Conditions ifNoneMatch(String value) {
        return Conditions.of(value, null);
    }

    private static Conditions ifModifiedSince(String value) {
        return Conditions.of(null, value);
    }
}

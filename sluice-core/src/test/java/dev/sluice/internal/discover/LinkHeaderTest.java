package dev.sluice.internal.discover;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LinkHeaderTest {
    @Test
    void githubStyle() {
        String v = "<https://api.test/r?page=2>; rel=\"next\", <https://api.test/r?page=9>; rel=\"last\"";
        assertThat(LinkHeader.next(List.of(v))).isEqualTo("https://api.test/r?page=2");
    }

    @Test
    void relIsASpaceSeparatedCaseInsensitiveList() {
        assertThat(LinkHeader.next(List.of("</a>; rel=\"prev NEXT\""))).isEqualTo("/a");
        assertThat(LinkHeader.next(List.of("</a>; rel=Next"))).isEqualTo("/a");
        assertThat(LinkHeader.next(List.of("</a>; rel=\"nextpage\""))).isNull();
        assertThat(LinkHeader.next(List.of("</a>; title=next"))).isNull();
    }

    @Test
    void targetsAndQuotedValuesMayHoldCommasAndSemicolons() {
        String v = "</x?a=1,2;b=3>; title=\"a, b; rel=next\"; rel=prev, </y;v=1,2>; rel=\"next\"";
        assertThat(LinkHeader.parse(v)).containsExactly(
                new LinkHeader.Link("/x?a=1,2;b=3", "prev"), new LinkHeader.Link("/y;v=1,2", "next"));
        assertThat(LinkHeader.next(List.of(v))).isEqualTo("/y;v=1,2");
    }

    @Test
    void escapesInQuotedStrings() {
        assertThat(LinkHeader.parse("</a>; title=\"say \\\"hi\\\", ok\"; rel=next"))
                .containsExactly(new LinkHeader.Link("/a", "next"));
    }

    @Test
    void onlyTheFirstRelCounts() {
        assertThat(LinkHeader.next(List.of("</a>; rel=prev; rel=next"))).isNull();
    }

    @Test
    void severalFieldsInOrderAndMalformedLinksSkipped() {
        assertThat(LinkHeader.next(List.of("garbage; rel=next", "</first>;rel=next", "</second>; rel=next")))
                .isEqualTo("/first");
        assertThat(LinkHeader.next(List.of("junk \"quoted, comma\" , </ok>; rel=next"))).isEqualTo("/ok");
        assertThat(LinkHeader.next(List.of("</unterminated; rel=next"))).isNull();
        assertThat(LinkHeader.next(List.of("</a> junk; rel=next, </b>; rel=next"))).isEqualTo("/b");
        assertThat(LinkHeader.next(List.of(""))).isNull();
    }

    @Test
    void whiteSpaceAroundEverything() {
        assertThat(LinkHeader.next(List.of("  ,  < /a >  ;  rel  =  next  ,"))).isEqualTo("/a");
    }
}

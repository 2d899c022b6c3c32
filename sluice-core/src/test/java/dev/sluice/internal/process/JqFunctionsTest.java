package dev.sluice.internal.process;

import dev.sluice.FetchedBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which functions an expression may call: checked when it is compiled; jq 1.6 builtins jackson-jq lacks. */
class JqFunctionsTest {

    private static List<String> run(String expression, String body) throws Exception {
        return JqProcessor.compile(expression)
                .process(new FetchedBody("u", null, 200, "application/json", body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " ¦ ", value = {
            "nosuchfn(1) ¦ nosuchfn/1",
            "if .a then [.b | frobnicate] else 1 end ¦ frobnicate/0",
            "def f(g): g; f(.) | strftime(\"%Y\") ¦ strftime/1",
            "map(nosuch) | also_missing(1; 2) ¦ 'nosuch/0, also_missing/2'"})
    void aCallOfAFunctionDefinedNowhereIsRefusedAtCompileNamingIt(String expression, String named) {
        assertThatThrownBy(() -> JqProcessor.compile(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named)
                .hasMessageContaining("README");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " ¦ ", value = {
            "'def f(g; $x): g + x + $x; f(1; 2)'",
            "def outer: def inner: 1; inner; outer",
            "[.[] | select(. > 1)] | add",
            "reduce .[] as $i (0; . + $i)",
            "path(..)",
            "limit(2; .[])"})
    void builtinsAndFunctionsTheExpressionDefinesAreAccepted(String expression) {
        assertThat(JqProcessor.compile(expression)).isNotNull();
    }

    /** Expected values from jq 1.6 itself (Debian's jq 1.6-2.1), but repeat: see JqBuiltins. */
    @ParameterizedTest
    @CsvSource(delimiterString = " ¦ ", value = {
            "2 | IN(1, 2) ¦ null ¦ true",
            "IN(.[]; 5, 6) ¦ '[1, 6]' ¦ true",
            "INDEX(.id) ¦ '[{\"id\": 1}, {\"id\": 2}]' ¦ '{\"1\":{\"id\":1},\"2\":{\"id\":2}}'",
            "isempty(empty) ¦ null ¦ true",
            "isempty(.[]) ¦ [1] ¦ false",
            "[limit(5; repeat(. * 2))] ¦ 1 ¦ '[1,2,4,8,16]'",
            "[tostream] ¦ '[1,[2]]' ¦ '[[[0],1],[[1,0],2],[[1,0]],[[1]]]'",
            "fromstream(tostream) ¦ '{\"a\": [1, {\"b\": 2}]}' ¦ '{\"a\":[1,{\"b\":2}]}'",
            "'[1 | truncate_stream([[0],1],[[1,0],2],[[1,0]],[[1]])]' ¦ null ¦ '[[[0],2],[[0]]]'",
            "'JOIN({\"1\": \"one\"}; .[]; tostring)' ¦ [1] ¦ '[1,\"one\"]'"})
    void jq16BuiltinsThatJacksonJqLacksWork(String expression, String body, String expected) throws Exception {
        assertThat(run(expression, body)).containsExactly(expected);
    }

    @Test
    void aDefinitionOfAMissingBuiltinAcceptsItsArity() {
        assertThatThrownBy(() -> JqProcessor.compile("IN(1; 2; 3)")).hasMessageContaining("IN/3");
    }
}

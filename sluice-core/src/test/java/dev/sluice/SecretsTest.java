package dev.sluice;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @Test
    void credentialHeadersAreMaskedInEveryWayTheyCanBeWritten() {
        String line = Secrets.commandLine("sluice", List.of("run", "-H", "Authorization: Bearer s1", "--header=Cookie: id=s2",
                "-HX-Auth-Token:s3", "--header", "X-Api-Key: s4", "-H", "Accept: text/html", "in.txt"));
        assertThat(line).isEqualTo("sluice run -H 'Authorization: ***' '--header=Cookie: ***' '-HX-Auth-Token: ***' "
                + "--header 'X-Api-Key: ***' -H 'Accept: text/html' in.txt");
    }

    @Test
    void urlPasswordsAndNamedSecretsAreMaskedAnywhere() {
        String line = Secrets.commandLine("sluice", List.of("worker", "--db", "postgresql://ann:p@ss/w0rd@db:5432/x?sslmode=require",
                "--db=jdbc:postgresql://db/x?user=ann&password=s5", "-d", "user=ann&password=s6&next=1",
                "--data", "{\"token\": \"s7\", \"name\": \"x\"}", "https://bob:s8@example.com/a"));
        assertThat(line).doesNotContain("p@ss", "w0rd", "s5", "s6", "s7", "s8")
                .contains("postgresql://ann:***@db:5432/x?sslmode=require", "password=***", "user=ann", "next=1",
                        "\"token\": \"***\"", "\"name\": \"x\"", "https://bob:***@example.com/a");
    }

    @Test
    void argumentsAreQuotedAsAShellWouldNeedThem() {
        assertThat(Secrets.commandLine("sluice", List.of("run", "--jq", ".items[] | {id}", "it's", "plain-arg_1.txt")))
                .isEqualTo("sluice run --jq '.items[] | {id}' 'it'\\''s' plain-arg_1.txt");
    }

    @Test
    void headerNamesThatSayCredentialAreCredentials() {
        assertThat(List.of("Authorization", "proxy-authorization", "Cookie", "X-Api-Key", "X-Auth-Token", "X-Session-Id",
                "X-Amz-Signature", "X-Client-Secret")).allMatch(SluiceConfig.Header::isCredentialName);
        assertThat(List.of("Accept", "User-Agent", "X-Trace", "Content-Type")).noneMatch(SluiceConfig.Header::isCredentialName);
    }
}

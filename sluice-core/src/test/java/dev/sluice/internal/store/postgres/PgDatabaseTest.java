package dev.sluice.internal.store.postgres;

import dev.sluice.StoreException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The user's database URL: every accepted form, where the password comes from, and that it is never shown. */
class PgDatabaseTest {

    @Test
    void postgresqlUrlsBecomeJdbcUrlsWithTheCredentialsApart() throws Exception {
        PgDatabase.Target t = PgDatabase.Target.parse("postgresql://crawler:p%40ss@db.example.com:6543/crawl?sslmode=require", Map.of());
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/crawl?sslmode=require");
        assertThat(t.user()).isEqualTo("crawler");
        assertThat(t.password()).isEqualTo("p@ss");
        assertThat(t.location()).isEqualTo("postgresql://crawler@db.example.com:6543/crawl").doesNotContain("p@ss");
    }

    @Test
    void jdbcUrlsKeepTheirParametersButNotThePassword() throws Exception {
        PgDatabase.Target t = PgDatabase.Target.parse("jdbc:postgresql://localhost/crawl?user=u&password=secret&ssl=false", Map.of());
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/crawl?ssl=false");
        assertThat(t.user()).isEqualTo("u");
        assertThat(t.password()).isEqualTo("secret");
        assertThat(t.location()).isEqualTo("postgresql://u@localhost/crawl");
    }

    @Test
    void theEnvironmentFillsInWhatTheUrlLeavesOut() throws Exception {
        PgDatabase.Target t = PgDatabase.Target.parse("postgres://localhost:5432/crawl", Map.of("PGUSER", "env-user", "PGPASSWORD", "env-pw"));
        assertThat(t.user()).isEqualTo("env-user");
        assertThat(t.password()).isEqualTo("env-pw");
        PgDatabase.Target urlWins = PgDatabase.Target.parse("postgresql://a:b@localhost/crawl", Map.of("PGUSER", "x", "PGPASSWORD", "y"));
        assertThat(urlWins.user()).isEqualTo("a");
        assertThat(urlWins.password()).isEqualTo("b");
    }

    @Test
    void aUrlWithoutHostOrDatabaseIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> PgDatabase.Target.parse("postgresql://u:secret@localhost", Map.of()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("needs a host and a database")
                .hasMessageNotContaining("secret");
        assertThat(PgDatabase.isPostgres("results.db")).isFalse();
        assertThat(PgDatabase.isPostgres("POSTGRESQL://h/d")).isTrue();
        assertThat(PgDatabase.isPostgres("jdbc:postgresql://h/d")).isTrue();
    }

    @Test
    void passwordsWithAwkwardCharactersAreNeverShown() throws Exception {
        String db = "postgresql://u:pa/ss@w?o#rd@db.example.com/crawl";
        assertThat(PgDatabase.withoutPassword(db)).isEqualTo("postgresql://u:***@db.example.com/crawl");
        assertThatThrownBy(() -> PgDatabase.Target.parse(db, Map.of())).hasMessageNotContaining("pa/ss").hasMessageNotContaining("rd@");
        assertThat(PgDatabase.withoutPassword("jdbc:postgresql://h/d?password=x&user=u")).isEqualTo("jdbc:postgresql://h/d?password=***&user=u");
        assertThat(PgDatabase.Target.parse("postgresql://u:a+b@h/d", Map.of()).password()).isEqualTo("a+b");
    }
}

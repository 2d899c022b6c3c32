package dev.sluice.internal.store.sqlite;

import dev.sluice.Request;

import dev.sluice.ErrorKind;
import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.testkit.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may write to a SQLite file within one process (between processes: the CLI's SqliteOneWriterTest), and
 * what a failed batch leaves (issue 10).
 */
class SqliteStoreTest {
    @TempDir
    Path dir;

    private static List<RequestResult> row(String url) {
        return List.of(RequestResult.failed(Request.get(url), ErrorKind.HTTP, "HTTP 404 Not Found", 404, 1, 5, Instant.now()));
    }

    /** {@code n} ok results, each with three records. */
    private static List<RequestResult> okRows(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> new RequestResult(Request.get("http://" + prefix + ".example/" + i), RequestResult.Status.OK,
                200, 1, null, null, 100L, "application/json", "ab", 5, Instant.now(), List.of("1", "2", "3"), dev.sluice.Extraction.NONE, null,
                Validators.NONE, false, List.of())).toList();
    }

    /** Writes a batch in one transaction of the writer connection, as the frontier's completions do. */
    private static void write(SqliteStore store, List<RequestResult> batch) throws StoreException {
        SqliteDatabase db = store.database();
        db.writes().inTransaction("cannot store " + batch.size() + " results", c -> db.rows().write(c, batch, id -> true, null));
    }

    @Test
    void a304ForARowDeletedMeanwhileIsStoredAsAFailureNotLost() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("gone.db"))) {
            write(store, List.of(RequestResult.unchanged(Request.get("http://gone.example/"), 1, 5, Instant.now())));

            assertThat(store.counts().failed()).isEqualTo(1);
            store.scan(null, r -> assertThat(r.detail()).contains("304 Not Modified").contains("is gone"));
        }
    }

    @Test
    void aSecondWriterIsRefusedAReaderIsNotAndTheFileIsFreeOnceTheWriterCloses() throws Exception {
        Path db = dir.resolve("one.db");
        try (SqliteStore writer = SqliteStore.open(db)) {
            write(writer, row("http://a.example/"));

            assertThatThrownBy(() -> SqliteStore.open(db)).isInstanceOf(DatabaseInUseException.class)
                    .hasMessageStartingWith(db + ": in use by this process (pid " + ProcessHandle.current().pid() + ", started ");
            assertThatThrownBy(() -> SqliteStore.replace(db)).isInstanceOf(DatabaseInUseException.class);
            try (SqliteStore reader = SqliteStore.openForReading(db)) {
                assertThat(reader.counts().total()).isEqualTo(1);
                assertThatThrownBy(() -> write(reader, row("http://b.example/")))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("opened for reading");
            }
            write(writer, row("http://c.example/")); // the refused ones took nothing from the writer
        }
        try (SqliteStore again = SqliteStore.open(db)) {
            assertThat(again.counts().total()).isEqualTo(2);
        }
        assertThat(Files.readString(Path.of(db + ".lock"))).startsWith("pid " + ProcessHandle.current().pid() + ", started ");
    }

    /**
     * What the writer does through a full disk: the batch fails whole, naming the cause, and the same batch
     * tried again once there is space is stored whole (a failed COMMIT once left the driver outside any
     * transaction: the retry's statements each committed alone, then its COMMIT failed).
     */
    @Test
    void aBatchFailingOnAFullDiskLeavesNoPartAndIsStoredWholeOnceThereIsSpace() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 512)) {
            Path db = disk.dir().resolve("full.db");
            try (SqliteStore store = SqliteStore.open(db)) {
                write(store, okRows("before", 5));
                disk.fillLeaving(0);
                List<RequestResult> batch = okRows("during", 50);
                assertThatThrownBy(() -> write(store, batch))
                        .hasMessage(db + ": cannot store 50 results: the disk is full (SQLITE_FULL)");
                assertThat(store.counts().total()).isEqualTo(5);

                disk.free();
                write(store, batch);
                assertThat(store.counts().total()).isEqualTo(55);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                assertThat(string(st, "PRAGMA integrity_check")).isEqualTo("ok");
                assertThat(string(st, "SELECT count(*) FROM records")).isEqualTo("165");
            }
        }
    }

    private static String string(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void replacingStartsAnEmptyDatabase() throws Exception {
        Path db = dir.resolve("demo.db");
        try (SqliteStore first = SqliteStore.open(db)) {
            write(first, row("http://a.example/"));
        }
        try (SqliteStore replaced = SqliteStore.replace(db)) {
            assertThat(replaced.counts().total()).isZero();
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsNamedSo() throws Exception {
        Path db = Files.writeString(dir.resolve("notes.db"), "not a database, but long enough to be read as a header: "
                + "x".repeat(200));
        assertThatThrownBy(() -> SqliteStore.openForReading(db)).isInstanceOf(StoreException.class)
                .hasMessage(db + ": cannot open the database: the file is not a SQLite database (SQLITE_NOTADB)");
    }
}

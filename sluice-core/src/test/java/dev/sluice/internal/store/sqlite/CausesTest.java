package dev.sluice.internal.store.sqlite;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Each SQLite result code a user meets, named in plain words with the file (issue 10). */
class CausesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SQLITE_FULL          | the disk is full (SQLITE_FULL)
            SQLITE_IOERR_WRITE   | a disk I/O error (SQLITE_IOERR_WRITE)
            SQLITE_BUSY          | the database is locked by another connection (SQLITE_BUSY)
            SQLITE_LOCKED        | the database is locked by another connection (SQLITE_LOCKED)
            SQLITE_NOTADB        | the file is not a SQLite database (SQLITE_NOTADB)
            SQLITE_CORRUPT       | the database file is corrupt (SQLITE_CORRUPT)
            SQLITE_CANTOPEN      | the file cannot be opened (SQLITE_CANTOPEN)
            SQLITE_READONLY      | it cannot be written (SQLITE_READONLY)
            SQLITE_CONSTRAINT    | [SQLITE_CONSTRAINT] raw words
            """)
    void aResultCodeIsNamedWithTheFileAndWhatFailed(SQLiteErrorCode code, String why) {
        Path db = dir.resolve("results.db");
        SQLiteException e = new SQLiteException("[" + code.name() + "] raw words", code);

        assertThat(Causes.sqlite(db, "cannot store 7 results", e))
                .hasMessage(db + ": cannot store 7 results: " + why)
                .hasCause(e);
    }
}

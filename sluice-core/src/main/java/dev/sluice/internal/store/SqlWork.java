package dev.sluice.internal.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on one connection, inside a transaction or a read its caller runs: the one shape both databases take work in. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}

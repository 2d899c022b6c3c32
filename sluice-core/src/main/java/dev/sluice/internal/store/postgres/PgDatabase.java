package dev.sluice.internal.store.postgres;

import dev.sluice.internal.store.Dialect;
import dev.sluice.internal.store.ResultRows;
import dev.sluice.internal.store.SqlDatabase;
import dev.sluice.internal.store.SqlWork;
import dev.sluice.internal.store.StoreRetry;
import dev.sluice.internal.store.Transactions;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.StoreException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL database named by the user ({@code postgresql://user[:password]@host[:port]/db}, also
 * {@code postgres://…} and {@code jdbc:postgresql://…}) and its connection pool (HikariCP).
 *
 * <p>The password comes from the URL or from {@code PGPASSWORD}, the user from the URL or {@code PGUSER};
 * neither password nor {@code password=} parameter ever appears in {@link #location()}, which is what
 * messages show. The schema is brought up to date ({@link PgMigrations}) when the pool opens.
 *
 * <p>Thread-safe: the pool hands each caller its own connection.
 */
public final class PgDatabase implements SqlDatabase, AutoCloseable {
    private final String location;
    private final HikariDataSource pool;
    private final PgRows rows = new PgRows();
    /** Each transaction on a pooled connection of its own. */
    private final Transactions transactions = new Transactions() {
        @Override
        public <T> T inTransaction(String what, SqlWork<T> work) throws StoreException {
            try (Connection c = connection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new StoreException(location, what, e);
            }
        }

        /** The pool stays open until the database closes. */
        @Override
        public void close() {
        }
    };

    private PgDatabase(String location, HikariDataSource pool) {
        this.location = location;
        this.pool = pool;
    }

    /** Whether a {@code --db} value names a PostgreSQL database rather than a SQLite file. */
    public static boolean isPostgres(String db) {
        String s = db.toLowerCase(Locale.ROOT);
        return s.startsWith("postgresql://") || s.startsWith("postgres://") || s.startsWith("jdbc:postgresql:");
    }

    /**
     * Opens a pool of at most {@code connections} connections to {@code db}, checks that the server answers, and
     * migrates the schema. {@code env} is the environment ({@code PGPASSWORD}, {@code PGUSER}).
     */
    public static PgDatabase open(String db, int connections, Map<String, String> env) throws StoreException {
        Target t = Target.parse(db, env);
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-db");
        config.setJdbcUrl(t.jdbcUrl);
        if (t.user != null) {
            config.setUsername(t.user);
        }
        if (t.password != null) {
            config.setPassword(t.password);
        }
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        // During an outage a caller waits this long for a connection, then fails and retries by its own policy
        // (StoreRetry): short, so that the outage limit is kept to within about this much.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(-1); // checked below, with a clear message; the pool then connects lazily
        config.addDataSourceProperty("reWriteBatchedInserts", "true"); // batches of inserts as multi-row inserts
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // A connection cut without a reset (a lost network) must not block a read for ever: no statement of ours
        // takes a fraction of this, so a read this long is a dead connection, failed and retried like an outage.
        config.addDataSourceProperty("socketTimeout", "30");
        config.setKeepaliveTime(30_000); // idle pooled connections are checked, not found dead when needed
        config.addDataSourceProperty("ApplicationName", "sluice");
        // One plain connection first: a wrong address, password or database fails at once with the server's
        // own words (the pool would keep trying for its connection timeout), and the schema is brought up to date.
        Properties props = new Properties();
        config.getDataSourceProperties().forEach(props::put);
        if (t.user != null) {
            props.setProperty("user", t.user);
        }
        if (t.password != null) {
            props.setProperty("password", t.password);
        }
        try (Connection c = DriverManager.getConnection(t.jdbcUrl, props)) {
            PgMigrations.apply(c);
        } catch (SQLException e) {
            throw new StoreException(t.location, "cannot open the database", StoreRetry.root(e));
        }
        return new PgDatabase(t.location, new HikariDataSource(config));
    }

    /**
     * {@code db} with any password masked, for messages about a value that may not even parse: the user part
     * ends at the last '@' (a password may hold '@', '/', '?' or '#'), and a {@code password=} parameter too.
     */
    public static String withoutPassword(String db) {
        String s = db.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
        int start = s.indexOf("://");
        int at = s.lastIndexOf('@');
        if (start < 0 || at < start + 3) {
            return s;
        }
        start += 3;
        String userInfo = s.substring(start, at);
        int colon = userInfo.indexOf(':');
        return s.substring(0, start) + (colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***") + s.substring(at);
    }

    /** A connection from the pool; close it to give it back. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Rolls back after {@code failure}. A rollback that fails too (the connection is gone) is attached to the
     * failure instead of replacing it: the cause shown is the first one.
     */
    static void rollback(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public Transactions writes() {
        return transactions;
    }

    /** Loads take a pooled connection per batch, like any other transaction. */
    @Override
    public Transactions loading() {
        return transactions;
    }

    @Override
    public <T> T reading(String what, SqlWork<T> work) throws StoreException {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(location, what, e);
        }
    }

    /** In a read-only transaction: one snapshot for every query, and results streamed by a cursor. */
    @Override
    public <T> T snapshot(String what, SqlWork<T> work) throws StoreException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(location, what, e);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public ResultRows rows() {
        return rows;
    }

    /** Never by the name: a run's heartbeat ({@code runs.alive_until}) tells whether its worker is alive. */
    @Override
    public boolean workerEnded(String id) {
        return false;
    }

    /** The database's URL without its password: safe to print. */
    @Override
    public String location() {
        return location;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Where to connect, parsed from the user's URL. */
    record Target(String jdbcUrl, String user, String password, String location) {

        static Target parse(String db, Map<String, String> env) throws StoreException {
            String printable = withoutPassword(db);
            URI uri;
            try {
                uri = new URI(db.regionMatches(true, 0, "jdbc:", 0, 5) ? db.substring(5) : db);
            } catch (URISyntaxException e) {
                throw new StoreException(printable, "not a PostgreSQL URL (postgresql://user@host:port/database)", null);
            }
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() <= 1) {
                throw new StoreException(printable, "not a PostgreSQL URL: it needs a host and a database "
                        + "(postgresql://user@host:port/database)", null);
            }
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length == 2 ? decode(parts[1]) : null;
            }
            List<String> params = new ArrayList<>();
            if (uri.getRawQuery() != null) {
                for (String p : uri.getRawQuery().split("&")) {
                    String key = p.split("=", 2)[0].toLowerCase(Locale.ROOT);
                    String value = p.contains("=") ? decode(p.split("=", 2)[1]) : "";
                    switch (key) {
                        case "user" -> user = value;
                        case "password" -> password = value;
                        default -> params.add(p);
                    }
                }
            }
            if (user == null) {
                user = env.get("PGUSER");
            }
            if (password == null) {
                password = env.get("PGPASSWORD");
            }
            String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            String jdbc = "jdbc:postgresql://" + hostPort + uri.getRawPath() + (params.isEmpty() ? "" : "?" + String.join("&", params));
            String location = "postgresql://" + (user == null ? "" : user + "@") + hostPort + uri.getRawPath();
            return new Target(jdbc, user, password, location);
        }

        /** Percent-decoding of a URL's part: a '+' stays a '+' (it means a space only in HTML forms). */
        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }
}

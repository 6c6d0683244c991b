package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.PoolDataSource;
import org.poolkit.core.Pools;

/**
 * A password given to the driver through the creator never reaches a log line, an exception message or stack trace,
 * a {@code toString()} or a {@code status()}, across the faults of {@link ServerFaultsContract}: killed backends with
 * and without pre-ping, a server refusing connections, a network timeout, a leaked checkout, a wrong password.
 *
 * <p>Runs in its own surefire execution with every logger at DEBUG (this module's pom), so that the lines that are
 * off in production are checked too. PostgreSQL on this machine trusts loopback, so it connects whatever the
 * password; MariaDB's root has none, so the password there is a wrong one.
 */
class SecretsTest {

    private final String secret = "pk-secret-" + UUID.randomUUID();
    private final StringBuilder seen = new StringBuilder();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, logged), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, logged), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private void see(Object... things) {
        for (Object thing : things) {
            if (thing instanceof Throwable) {
                StringWriter trace = new StringWriter();
                ((Throwable) thing).printStackTrace(new PrintWriter(trace));
                seen.append(trace).append('\n');
            } else {
                seen.append(thing).append('\n');
            }
        }
    }

    private void assertNoSecret(int expectedLines) {
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.lines().count() >= expectedLines, "too little was logged to prove anything:\n" + log);
        assertFalse(log.contains(secret), "the password is in the log:\n" + log);
        assertFalse(seen.toString().contains(secret), "the password is in what the pool showed:\n" + seen);
    }

    private static void query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void postgresqlFaultsShowNoPassword() throws Exception {
        Database db = Database.postgresql();
        String tag = Database.newTag();
        try (TcpProxy proxy = new TcpProxy(db.host, db.port)) {
            Pool pool = Pools.create("queue", db.creator(tag, proxy.hostPort(), secret), PoolSettings.defaults()
                    .withName(tag).withTimeout(Duration.ofSeconds(2))
                    .withLeakDetectionThreshold(Duration.ofMillis(1)));
            PoolDataSource dataSource = new PoolDataSource(pool);
            see(pool, pool.settings(), pool.status(), dataSource);

            ProxiedConnection held = pool.checkout();
            see(held, held.entry(), held.entry().connection(), held.info(), pool.status());
            long killed = db.backendId(held);
            Thread.sleep(20); // past the 1 ms leak threshold: the leak report and its checkout stack are logged
            held.close();

            db.kill(tag, killed);
            ProxiedConnection stale = pool.checkout();
            see(assertThrows(SQLException.class, () -> query(stale, "SELECT 1")), stale, pool.status());
            stale.close();

            try (ProxiedConnection connection = pool.checkout()) {
                connection.setNetworkTimeout(Runnable::run, 200);
                see(assertThrows(SQLException.class, () -> query(connection, db.sleep(2))), connection);
            }

            proxy.refuse();
            proxy.sever();
            see(assertThrows(SQLException.class, pool::checkout), assertThrows(SQLException.class,
                    dataSource::getConnection), assertThrows(SQLException.class,
                    () -> dataSource.getConnection(db.user, secret)), pool.status());
            proxy.accept();
            pool.dispose();
            see(pool.status(), pool.recreate());
        }
        assertNoSecret(3);
    }

    @Test
    void mariadbWrongPasswordShowsNoPassword() throws Exception {
        Database db = Database.mariadb();
        String tag = Database.newTag();
        Pool pool = Pools.create("queue", db.creator(tag, db.host + ":" + db.port, secret),
                PoolSettings.defaults().withName(tag).withPrePing(true));
        SQLException denied = assertThrows(SQLException.class, pool::checkout);
        assertEquals("28000", denied.getSQLState(), "expected an access denial: " + denied);
        see(denied, pool, pool.status());
        pool.dispose();
        see(pool.status());
        assertNoSecret(1);
    }

    /** Writes to the real stream and to the capture. */
    private static final class Tee extends OutputStream {

        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) {
            synchronized (this) {
                try {
                    first.write(b);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                ((ByteArrayOutputStream) second).write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (this) {
                try {
                    first.write(bytes, offset, length);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                ((ByteArrayOutputStream) second).write(bytes, offset, length);
            }
        }
    }
}

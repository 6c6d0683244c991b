package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;

/**
 * Faults injected for real into a server on loopback, the same for PostgreSQL and MariaDB: killed backends, a
 * server that refuses connections and comes back, a network timeout and a statement timeout while a connection is
 * held, and reset on return. After each test the pool is disposed and the server must list none of its connections.
 */
abstract class ServerFaultsContract {

    private static final Duration SERVER_LAG = Duration.ofSeconds(10);

    Database db;
    String tag;
    private final List<Pool> pools = new ArrayList<>();

    abstract Database database();

    /** @return the SQLStates the driver reports on first use of a connection whose backend was killed */
    abstract Set<String> killedStates();

    /** @return SQL that makes the session wait at most a second or two for a lock */
    abstract String shortLockWait();

    @BeforeEach
    void connect() {
        db = database();
        tag = Database.newTag();
    }

    @AfterEach
    void disposeAndCheckTheServer() throws SQLException {
        if (db == null) {
            return; // the server was absent: the test was skipped or failed saying so
        }
        for (Pool pool : pools) {
            pool.dispose();
            assertEquals(0, pool.status().open(), "the pool counts connections open after dispose");
        }
        assertEquals(0, db.awaitServerConnections(tag, count -> count == 0, SERVER_LAG),
                db + " still lists connections of the disposed pool " + tag);
    }

    Pool pool(PoolSettings settings) {
        return pool(settings, db.creator(tag));
    }

    Pool pool(PoolSettings settings, ConnectionCreator creator) {
        Pool pool = Pools.create("queue", creator, settings.withName(tag));
        pools.add(pool);
        return pool;
    }

    static PoolSettings settings() {
        return PoolSettings.defaults().withTimeout(Duration.ofSeconds(5));
    }

    static void query(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /** The server's count of the pool's connections agrees with the pool's, once closed sessions have left. */
    int assertServerAgrees(Pool pool) throws SQLException {
        int expected = pool.status().open();
        int seen = db.awaitServerConnections(tag, count -> count == expected, SERVER_LAG);
        assertEquals(expected, seen, db + " lists " + seen + " connections, the pool says " + pool.status());
        return seen;
    }

    long idleBackend(Pool pool) throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            return db.backendId(connection);
        }
    }

    @Test
    void idleConnectionKilledWithPrePingTheNextCheckoutSilentlyGetsAWorkingOne() throws SQLException {
        Pool pool = pool(settings().withPrePing(true));
        long killed = idleBackend(pool);
        db.kill(tag, killed);

        long served;
        try (ProxiedConnection connection = pool.checkout()) {
            query(connection);
            served = db.backendId(connection);
        }

        assertNotEquals(killed, served, "the killed backend was handed out");
        assertEquals(1, pool.status().open());
        assertServerAgrees(pool);
        Figures.record("idle backend killed, pre.ping on", db.name, 2, 1, 0, 0, "next checkout worked");
    }

    @Test
    void idleConnectionKilledWithoutPrePingTheFirstUseFailsAndTheNextCheckoutWorks() throws SQLException {
        Pool pool = pool(settings());
        long killed = idleBackend(pool);
        db.kill(tag, killed);

        ProxiedConnection stale = pool.checkout();
        SQLException error = assertThrows(SQLException.class, () -> query(stale));
        assertTrue(killedStates().contains(error.getSQLState()), "the holder gets the driver's error: " + error);
        assertTrue(stale.isInvalidated(), "the connection whose backend was killed is invalidated");
        stale.close();
        assertEquals(0, pool.status().open(), "the dead connection is closed, not pooled");

        try (ProxiedConnection connection = pool.checkout()) {
            query(connection);
            assertNotEquals(killed, db.backendId(connection));
        }
        assertServerAgrees(pool);
        Figures.record("idle backend killed, pre.ping off", db.name, 2, 1, 1, 0,
                "holder got " + error.getSQLState() + ", next checkout worked");
    }

    @Test
    void allBackendsKilledAtOnceEachHolderFailsAtMostOnceThenOnlyNewConnectionsAreHandedOut() throws Exception {
        allBackendsKilled(false);
    }

    @Test
    void allBackendsKilledAtOnceWithPrePingNoHolderFails() throws Exception {
        allBackendsKilled(true);
    }

    private void allBackendsKilled(boolean prePing) throws Exception {
        int holders = 4;
        int rounds = 25;
        Pool pool = pool(settings().withPoolSize(holders).withMaxOverflow(0).withPrePing(prePing));
        Set<Long> killed = fill(pool, holders);
        assertEquals(holders, db.killAll(tag));

        Set<Long> servedAfter = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(holders);
        List<Future<Integer>> failures = new ArrayList<>();
        for (int holder = 0; holder < holders; holder++) {
            failures.add(threads.submit(() -> {
                start.await();
                int failed = 0;
                for (int round = 0; round < rounds; round++) {
                    try (ProxiedConnection connection = pool.checkout()) {
                        try {
                            query(connection);
                            servedAfter.add(db.backendId(connection));
                        } catch (SQLException e) {
                            assertTrue(connection.isInvalidated(), "a failure that did not invalidate: " + e);
                            failed++;
                        }
                    }
                }
                return failed;
            }));
        }
        start.countDown();
        threads.shutdown();
        assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS), "holders did not finish");
        int total = 0;
        for (Future<Integer> failure : failures) {
            int failed = failure.get();
            assertTrue(failed <= 1, "a holder failed " + failed + " times");
            total += failed;
        }
        if (prePing) {
            assertEquals(0, total, "with pre.ping no holder sees a killed connection");
        } else {
            assertTrue(total >= 1, "without pre.ping the first use of a killed connection fails");
        }
        Set<Long> reused = new HashSet<>(servedAfter);
        reused.retainAll(killed);
        assertTrue(reused.isEmpty(), "killed backends served queries: " + reused);
        assertTrue(pool.status().open() <= holders, pool.status().toString());
        assertServerAgrees(pool);
        Figures.record("all " + holders + " backends killed at once, pre.ping " + (prePing ? "on" : "off"),
                db.name, (long) holders * rounds + holders, holders, total, 0,
                holders + " holders x " + rounds + " checkouts; at most 1 failure per holder");
    }

    /** Opens {@code count} connections, all checked out at once, and returns them to the pool. */
    Set<Long> fill(Pool pool, int count) throws SQLException {
        List<ProxiedConnection> held = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        try {
            for (int i = 0; i < count; i++) {
                ProxiedConnection connection = pool.checkout();
                held.add(connection);
                ids.add(db.backendId(connection));
            }
        } finally {
            closeAll(held);
        }
        assertEquals(count, db.serverConnections(tag));
        return ids;
    }

    static void closeAll(List<ProxiedConnection> held) throws SQLException {
        for (ProxiedConnection connection : held) {
            connection.close();
        }
    }

    @Test
    void serverRefusingConnectionsFailsCheckoutsAtOnceWithTheCauseLeavesCountsAndRecoversByItself() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (TcpProxy proxy = new TcpProxy(db.host, db.port)) {
            Pool pool = pool(settings().withTimeout(timeout).withPrePing(true).withPoolSize(2).withMaxOverflow(1),
                    db.creator(tag, proxy.hostPort(), db.password));
            int failures = 0;

            proxy.refuse();
            failures += assertCheckoutsRefused(pool, proxy, timeout, pool.status());
            proxy.accept();
            idleBackend(pool);
            assertServerAgrees(pool);

            PoolStatus before = pool.status();
            proxy.refuse();
            proxy.sever();
            failures += assertCheckoutsRefused(pool, proxy, timeout, before);
            assertEquals(0, db.awaitServerConnections(tag, count -> count == 0, SERVER_LAG));

            proxy.accept();
            try (ProxiedConnection connection = pool.checkout()) {
                query(connection);
            }
            assertEquals(1, pool.status().open());
            assertServerAgrees(pool);
            Figures.record("server refuses connections, then accepts again", db.name, failures + 3, 2, failures, 0,
                    "each refused checkout failed at once naming the cause; recovered without intervention");
        }
    }

    /** Three checkouts fail, each within the timeout and naming the refusal; the counts stay those of before. */
    private int assertCheckoutsRefused(Pool pool, TcpProxy proxy, Duration timeout, PoolStatus before)
            throws SQLException {
        int attempts = 3;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long started = System.nanoTime();
            SQLException error;
            try (ProxiedConnection connected = pool.checkout()) {
                throw new AssertionError("checkout " + attempt + " connected while the server refuses: backend "
                        + db.backendId(connected) + ", " + proxy.state() + ", " + pool.status());
            } catch (SQLException refused) {
                error = refused;
            }
            long took = System.nanoTime() - started;
            assertTrue(took < timeout.toNanos(), "a refused checkout took " + took / 1_000_000 + " ms");
            assertTrue(names(error, "refused"), "the error does not name the refusal: " + error);
            PoolStatus after = pool.status();
            assertAll(after.toString(),
                    () -> assertEquals(before.checkedOut(), after.checkedOut(), "checked out"),
                    () -> assertEquals(before.checkedIn(), after.checkedIn(), "checked in"),
                    () -> assertEquals(before.overflow(), after.overflow(), "overflow"),
                    () -> assertEquals(0, after.open(), "open: nothing can be open while the server refuses"));
        }
        return attempts;
    }

    private static boolean names(Throwable error, String word) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).toLowerCase().contains(word)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void queryOutlivingTheNetworkTimeoutInvalidatesOnlyItsConnection() throws Exception {
        Pool pool = pool(settings().withPoolSize(2).withMaxOverflow(0));
        Set<Long> both = fill(pool, 2);

        ProxiedConnection holder = pool.checkout();
        long timedOut = db.backendId(holder);
        holder.setNetworkTimeout(Runnable::run, 300);
        SQLException error = assertThrows(SQLException.class, () -> {
            try (Statement statement = holder.createStatement()) {
                statement.execute(db.sleep(3));
            }
        });
        assertTrue(holder.isInvalidated(), "a connection cut by its network timeout is invalidated: " + error);
        holder.close();

        Set<Long> after = new HashSet<>();
        List<ProxiedConnection> held = List.of(pool.checkout(), pool.checkout());
        for (ProxiedConnection connection : held) {
            query(connection);
            after.add(db.backendId(connection));
        }
        closeAll(held);
        assertFalse(after.contains(timedOut));
        both.remove(timedOut);
        assertTrue(after.containsAll(both), "the other pooled connection was replaced too: only one timed out");
        assertTrue(pool.status().open() <= 2, pool.status().toString());
        assertServerAgrees(pool);
        Figures.record("query outlives setNetworkTimeout", db.name, 4, 1, 1, 0,
                "holder got " + error.getSQLState() + "; that connection replaced, the other kept");
    }

    @Test
    void queryOutlivingTheStatementTimeoutLeavesAWorkingConnectionThatIsPooledAgain() throws Exception {
        Pool pool = pool(settings().withPoolSize(1).withMaxOverflow(0));
        long backend;
        SQLException error;
        try (ProxiedConnection holder = pool.checkout()) {
            backend = db.backendId(holder);
            error = assertThrows(SQLException.class, () -> {
                try (Statement statement = holder.createStatement()) {
                    statement.setQueryTimeout(1);
                    statement.execute(db.sleep(5));
                }
            });
            assertFalse(holder.isInvalidated(), "a statement timeout says nothing against the connection: " + error);
            query(holder);
        }
        assertEquals(backend, idleBackend(pool), "the connection was pooled again");
        assertEquals(1, pool.status().open());
        assertServerAgrees(pool);
        Figures.record("query outlives the statement timeout", db.name, 2, 1, 1, 0,
                "holder got " + error.getSQLState() + "; connection kept and reused");
    }

    @Test
    void resetOnReturnRollsBackTheOpenTransactionAndReleasesItsLocks() throws Exception {
        Pool pool = pool(settings().withPoolSize(1).withMaxOverflow(0));
        String table = "poolkit_reset_" + tag.substring(tag.lastIndexOf('-') + 1);
        try (Connection admin = db.admin(); Statement ddl = admin.createStatement()) {
            ddl.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            try {
                try (ProxiedConnection holder = pool.checkout(); Statement statement = holder.createStatement()) {
                    holder.setAutoCommit(false);
                    statement.execute("INSERT INTO " + table + " VALUES (1)");
                    statement.execute("SELECT id FROM " + table + " WHERE id = 1 FOR UPDATE");
                }
                assertEquals(1, pool.status().checkedIn());
                ddl.execute(shortLockWait());
                try (var rows = ddl.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    assertEquals(0, rows.getInt(1), "the returned connection's insert is visible to another session");
                }
                // Blocks on the row lock, and fails after the short lock wait, unless the rollback released it.
                ddl.execute("INSERT INTO " + table + " VALUES (1)");
            } finally {
                ddl.execute("DROP TABLE " + table);
            }
        }
        Figures.record("reset on return with an open transaction", db.name, 1, 0, 0, 0,
                "insert invisible to another session, its row lock released");
    }
}

package org.poolkit.nullpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The {@code null} strategy in the real engine, on the stub driver and on embedded Derby. SQLAlchemy behaviours from
 * research/sqlalchemy-pool.md §5 are cited by number.
 */
class NullPoolTest {

    private final StubDriver driver = new StubDriver();

    private static PoolSettings settings() {
        return PoolSettings.defaults().withName("null-test");
    }

    private Pool pool() {
        return Pools.create(NullPoolProvider.NAME, driver, settings());
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    @Test
    void everyCheckoutConnectsAndEveryCheckinResetsThenCloses() throws SQLException {
        Pool pool = pool();
        EventLog events = EventLog.on(pool);

        StubConnection first;
        try (ProxiedConnection handle = pool.checkout()) {
            first = stub(handle);
            assertEquals(1, pool.status().open());
        }
        StubConnection second;
        try (ProxiedConnection handle = pool.checkout()) {
            second = stub(handle);
        }

        assertNotSame(first, second);
        assertTrue(first.isPhysicallyClosed() && second.isPhysicallyClosed());
        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "reset#1", "checkin#1", "close#1",
                "connect#2", "checkout#2", "reset#2", "checkin#2", "close#2"), events.take());
        assertEquals(0, pool.status().open());
    }

    @Test
    void statusSaysNullPoolAndCountsWhatIsOut() throws SQLException {
        Pool pool = pool();
        ProxiedConnection handle = pool.checkout();
        assertEquals("NullPool", pool.status().toString());
        assertEquals(1, pool.status().checkedOut());
        assertEquals(0, pool.status().checkedIn());
        handle.close();
        assertEquals(0, pool.status().checkedOut());
        assertEquals(NullPoolProvider.NAME, pool.strategy());
    }

    @Test
    void disposeIsHarmlessAndAConnectionOutAtTheTimeIsStillClosedOnItsReturn() throws SQLException {
        Pool pool = pool();
        ProxiedConnection held = pool.checkout();

        pool.dispose();
        pool.dispose();

        assertTrue(held.isValid(1), "dispose does not touch a checked-out connection");
        held.close();
        assertEquals(0, driver.open());
        try (ProxiedConnection after = pool.checkout()) {
            assertTrue(after.isValid(1));
        }
    }

    /** Behaviour 1: dispose and recreate never call the creator; the copy is a null pool. */
    @Test
    void disposeAndRecreateNeverConnect() throws SQLException {
        Pool pool = pool();
        pool.checkout().close();
        driver.failConnect(new SQLException("database is down", "08001"));
        long attempts = driver.connectAttempts();

        pool.dispose();
        Pool copy = pool.recreate();
        copy.dispose();

        assertEquals(attempts, driver.connectAttempts());
        assertEquals(NullPoolProvider.NAME, copy.strategy());
        assertEquals(settings(), copy.settings());
    }

    /** Behaviour 4: connect, close, dispose, recreate, connect, close: rollback, close, rollback, close. */
    @Test
    void disposeAndRecreateCallsAreRollbackCloseRollbackClose() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool();
        pool.checkout().close();
        pool.dispose();
        pool.recreate().checkout().close();

        assertEquals(List.of("rollback", "close", "rollback", "close"), driver.calls("rollback", "close"));
    }

    /** Behaviours 29 and 93: connect/close, connect/invalidate, connect: the creator runs for each checkout. */
    @Test
    void everyCheckoutCallsTheCreatorIncludingAfterAnInvalidation() throws SQLException {
        Pool pool = pool();
        pool.checkout().close();
        ProxiedConnection second = pool.checkout();
        StubConnection invalidated = stub(second);
        second.invalidate();
        ProxiedConnection third = pool.checkout();

        assertEquals(3, driver.connectAttempts());
        assertTrue(invalidated.isPhysicallyClosed());
        assertNotSame(invalidated, stub(third));
        third.close();
        assertEquals(0, driver.open());
    }

    /** Behaviour 88: after a disconnect the next checkout simply gets a new, working connection. */
    @Test
    void aDisconnectedConnectionIsClosedAndTheNextCheckoutWorks() throws SQLException {
        Pool pool = pool();
        ProxiedConnection handle = pool.checkout();
        stub(handle).kill();
        assertThrows(SQLException.class, handle::createStatement);
        assertTrue(handle.isInvalidated());
        handle.close();

        try (ProxiedConnection next = pool.checkout(); Statement statement = next.createStatement()) {
            assertTrue(statement.execute("SELECT 1"));
        }
        assertEquals(0, driver.open());
    }

    @Test
    void aFailingCreatorReachesTheCallerUnchangedAndLeavesNothingOpen() {
        Pool pool = pool();
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);

        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        assertEquals(0, pool.status().open());
        assertEquals(0, pool.status().checkedOut());
    }

    /**
     * Opens equal closes after any run: eight threads check out and in at once while every third connect fails and
     * every other returned connection's rollback fails. After each of its operations a thread checks that the pool
     * never has more connections open than there are threads, and at the end nothing is open, in the pool's count
     * and the driver's.
     */
    @Test
    void opensEqualClosesAfterRunsWithFailingCreatorAndFailingReset() throws Exception {
        driver.defaultAutoCommit(false);
        Pool pool = pool();
        AtomicInteger invalidatedByFailedReset = new AtomicInteger();
        pool.addListener(new PoolEvents() {
            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                invalidatedByFailedReset.incrementAndGet();
            }
        });
        int threads = 8;
        int rounds = 200;
        SQLException down = new SQLException("connect refused", "08001");
        SQLException rollbackFailed = new SQLException("rollback failed", "HY000");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    int[] failures = new int[2];
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (i % 3 == 0) {
                            driver.failConnectTimes(1, down);
                        }
                        ProxiedConnection handle;
                        try {
                            handle = pool.checkout();
                        } catch (SQLException e) {
                            failures[0]++;
                            assertTrue(pool.status().open() <= threads, pool.status()::toString);
                            continue;
                        }
                        try (Statement statement = handle.createStatement()) {
                            statement.execute("SELECT 1");
                        }
                        if (i % 2 == 0) {
                            stub(handle).failRollback(rollbackFailed);
                            failures[1]++;
                        }
                        handle.close();
                        assertTrue(pool.status().open() <= threads, pool.status()::toString);
                        assertTrue(driver.open() <= threads, driver::toString);
                    }
                    return failures;
                }));
            }
            start.countDown();
            int connectFailures = 0;
            for (Future<int[]> result : results) {
                connectFailures += result.get(30, TimeUnit.SECONDS)[0];
            }
            assertTrue(connectFailures > 0, "some connects failed");
        } finally {
            executor.shutdownNow();
        }
        assertEquals(driver.opened(), driver.closed(), driver::toString);
        assertEquals(0, driver.open());
        assertEquals(0, pool.status().open());
        assertTrue(invalidatedByFailedReset.get() > 0, "some resets failed, and were counted in the closes above");
    }

    @Test
    void onDerbyEachCheckoutIsAFreshConnectionToTheSameDatabase() throws SQLException {
        String url = "jdbc:derby:memory:poolkit-null-" + UUID.randomUUID();
        Pool pool = Pools.create(NullPoolProvider.NAME, entry -> DriverManager.getConnection(url + ";create=true"),
                settings());
        try {
            Connection firstDriverConnection;
            try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement()) {
                firstDriverConnection = handle.entry().connection();
                statement.execute("CREATE TABLE items (id INT)");
                handle.setAutoCommit(false);
                statement.execute("INSERT INTO items VALUES (1)");
                handle.commit();
                statement.execute("INSERT INTO items VALUES (2)");
            }
            assertTrue(firstDriverConnection.isClosed(), "checkin closes the driver connection");
            try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
                assertTrue(rows.next());
                assertEquals(1, rows.getInt(1), "the uncommitted row was rolled back before the close");
            }
            assertEquals(0, pool.status().open());
        } finally {
            SQLException dropped = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(url + ";drop=true"));
            assertEquals("08006", dropped.getSQLState());
        }
    }

    @Test
    void foundByNameOutsideOsgi() {
        assertTrue(Pools.strategies().contains("null"), Pools.strategies()::toString);
        ConnectionCreator creator = driver;
        assertEquals("null", Pools.create("null", creator, settings()).strategy());
    }
}

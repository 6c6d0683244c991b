package org.poolkit.assertionpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The {@code assertion} strategy in the real engine, on the stub driver and on embedded Derby. SQLAlchemy behaviours
 * from research/sqlalchemy-pool.md §5 are cited by number.
 */
class AssertionPoolTest {

    private final StubDriver driver = new StubDriver();

    private static PoolSettings settings() {
        return PoolSettings.defaults().withName("assertion-test");
    }

    private Pool pool() {
        return Pools.create(AssertionPoolProvider.NAME, driver, settings());
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    /** A checkout in a method of its own, so that the error's stack can be checked for it. */
    private static ProxiedConnection firstCheckoutHoldingOn(Pool pool) throws SQLException {
        return pool.checkout();
    }

    private static boolean mentions(Throwable error, String method) {
        return Arrays.stream(error.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals(method));
    }

    /** Behaviour 94: sequential checkouts are fine and reuse one connection. */
    @Test
    void sequentialCheckoutsReuseOneConnection() throws SQLException {
        Pool pool = pool();
        StubConnection first;
        try (ProxiedConnection handle = pool.checkout()) {
            first = stub(handle);
        }
        for (int i = 0; i < 3; i++) {
            try (ProxiedConnection handle = pool.checkout()) {
                assertSame(first, stub(handle));
            }
        }
        assertEquals(1, driver.opened());
        assertEquals("AssertionPool", pool.status().toString());
        assertEquals(1, pool.status().checkedIn());
    }

    /** Behaviour 94: a second checkout while one is out fails, and the error shows where the first one was made. */
    @Test
    void aSecondCheckoutFailsWithTheStackOfTheFirst() throws SQLException {
        Pool pool = pool();
        ProxiedConnection held = firstCheckoutHoldingOn(pool);

        AssertionError error = assertThrows(AssertionError.class, pool::checkout);

        assertTrue(error.getMessage().contains("already checked out"), error.getMessage());
        assertNotNull(error.getCause());
        assertTrue(mentions(error.getCause(), "firstCheckoutHoldingOn"), "the cause's stack is the first checkout's");
        assertEquals(1, pool.status().checkedOut());
        assertTrue(held.isValid(1), "the holder is untouched");

        StubConnection connection = stub(held);
        held.close();
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(connection, stub(next), "the failed checkout left the pool usable");
        }
        assertEquals(1, driver.opened());
    }

    /** A checkout in a method of its own, made after an earlier holder has returned its connection. */
    private static ProxiedConnection laterCheckoutHoldingOn(Pool pool) throws SQLException {
        return pool.checkout();
    }

    @Test
    void theErrorShowsTheCurrentHoldersCheckoutNotAnEarlierOnes() throws SQLException {
        Pool pool = pool();
        firstCheckoutHoldingOn(pool).close();
        try (ProxiedConnection held = laterCheckoutHoldingOn(pool)) {
            AssertionError error = assertThrows(AssertionError.class, pool::checkout);
            assertTrue(mentions(error.getCause(), "laterCheckoutHoldingOn"), "the current holder's stack");
            assertFalse(mentions(error.getCause(), "firstCheckoutHoldingOn"), "not the returned holder's");
        }
    }

    @Test
    void aSecondCheckoutFromAnotherThreadFailsToo() throws Exception {
        Pool pool = pool();
        try (ProxiedConnection held = firstCheckoutHoldingOn(pool)) {
            assertFalse(held.isClosed());
            Throwable failure = CompletableFuture.supplyAsync(() -> {
                try {
                    pool.checkout().close();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }).get(10, TimeUnit.SECONDS);
            assertTrue(failure instanceof AssertionError, String.valueOf(failure));
            assertTrue(mentions(failure.getCause(), "firstCheckoutHoldingOn"));
        }
    }

    @Test
    void aFailingConnectLeavesThePoolFreeForTheNextCheckout() throws SQLException {
        Pool pool = pool();
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);
        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        assertEquals(0, pool.status().checkedOut());

        driver.failConnect(null);
        pool.checkout().close();
        assertEquals(1, driver.open());
    }

    @Test
    void invalidatingReconnectsOnTheNextCheckout() throws SQLException {
        Pool pool = pool();
        ProxiedConnection handle = pool.checkout();
        StubConnection old = stub(handle);
        handle.invalidate();
        assertEquals(0, pool.status().checkedOut(), "an invalidated checkout is checked in");
        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
        }
        assertEquals(1, driver.open());
    }

    @Test
    void disposeClosesTheIdleConnectionAndAHeldOneOnItsReturn() throws SQLException {
        Pool pool = pool();
        StubConnection first;
        try (ProxiedConnection handle = pool.checkout()) {
            first = stub(handle);
        }
        pool.dispose();
        assertTrue(first.isPhysicallyClosed());

        ProxiedConnection held = pool.checkout();
        pool.dispose();
        assertFalse(stub(held).isPhysicallyClosed());
        held.close();
        assertEquals(0, driver.open());
        assertEquals(0, pool.status().checkedOut());
    }

    /** Behaviour 1: dispose and recreate never call the creator. */
    @Test
    void disposeAndRecreateNeverConnect() throws SQLException {
        Pool pool = pool();
        pool.checkout().close();
        driver.failConnect(new SQLException("database is down", "08001"));
        pool.dispose();
        Pool copy = pool.recreate();
        copy.dispose();
        assertEquals(1, driver.connectAttempts());
        assertEquals(AssertionPoolProvider.NAME, copy.strategy());
    }

    /** Behaviour 4: connect, close, dispose, recreate, connect, close: rollback, close, rollback. */
    @Test
    void disposeAndRecreateCallsAreRollbackCloseRollback() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool();
        pool.checkout().close();
        pool.dispose();
        pool.recreate().checkout().close();

        assertEquals(List.of("rollback", "close", "rollback"), driver.calls("rollback", "close"));
    }

    @Test
    void onDerbyACodePathHoldingTwoConnectionsIsFound() throws SQLException {
        String url = "jdbc:derby:memory:poolkit-assertion-" + UUID.randomUUID();
        Pool pool = Pools.create(AssertionPoolProvider.NAME, entry -> DriverManager.getConnection(url + ";create=true"),
                settings());
        try {
            try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement()) {
                statement.execute("CREATE TABLE items (id INT)");
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
                    assertTrue(rows.next());
                }
                assertThrows(AssertionError.class, pool::checkout, "a nested checkout is the bug it finds");
            }
            try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement()) {
                statement.execute("INSERT INTO items VALUES (1)");
            }
        } finally {
            pool.dispose();
            SQLException dropped = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(url + ";drop=true"));
            assertEquals("08006", dropped.getSQLState());
        }
    }

    @Test
    void foundByNameOutsideOsgi() {
        assertTrue(Pools.strategies().contains("assertion"), Pools.strategies()::toString);
    }
}

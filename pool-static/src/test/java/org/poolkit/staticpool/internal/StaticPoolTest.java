package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The {@code static} strategy in the real engine, on the stub driver. SQLAlchemy behaviours from
 * research/sqlalchemy-pool.md §5 are cited by number; the Derby use case is in {@link StaticPoolDerbyTest}.
 */
class StaticPoolTest {

    private final StubDriver driver = new StubDriver();

    private static PoolSettings settings() {
        return PoolSettings.defaults().withName("static-test");
    }

    private Pool pool() {
        return Pools.create(StaticPoolProvider.NAME, driver, settings());
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /** Behaviour 92: a connection returned and another checked out is the same driver connection. */
    @Test
    void everyCheckoutGetsTheSameDriverConnection() throws SQLException {
        Pool pool = pool();
        StubConnection first;
        try (ProxiedConnection handle = pool.checkout()) {
            first = stub(handle);
        }
        try (ProxiedConnection handle = pool.checkout()) {
            assertSame(first, stub(handle));
        }
        assertFalse(first.isPhysicallyClosed(), "closing a handle does not close the shared connection");
        assertEquals(1, driver.opened());
        assertEquals("StaticPool", pool.status().toString());
    }

    /** Behaviour 92: recreate keeps the creator, and the copy opens its own connection. */
    @Test
    void recreateGivesAPoolWithANewConnectionFromTheSameCreator() throws SQLException {
        Pool pool = pool();
        StubConnection original;
        try (ProxiedConnection handle = pool.checkout()) {
            original = stub(handle);
        }
        Pool copy = pool.recreate();
        try (ProxiedConnection handle = copy.checkout()) {
            assertNotSame(original, stub(handle));
            assertSame(driver, stub(handle).driver());
        }
        assertEquals(StaticPoolProvider.NAME, copy.strategy());
        assertEquals(settings(), copy.settings());
    }

    /** Concurrent checkouts: distinct handles over one driver connection (SQLAlchemy: c1 is not c2). */
    @Test
    void concurrentCheckoutsShareOneConnectionThroughTheirOwnHandles() throws SQLException {
        Pool pool = pool();
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();

        assertNotSame(first, second);
        assertSame(stub(first), stub(second));
        assertEquals(1, pool.status().checkedOut());

        first.close();
        assertTrue(first.isClosed());
        assertThrows(SQLException.class, first::createStatement, "a closed handle stays closed");
        execute(second);
        second.close();
        assertFalse(stub(pool.checkout()).isPhysicallyClosed());
    }

    /**
     * The decision on reset: only the last holder's close() resets the shared connection. SQLAlchemy rolls back on
     * every return, even in the middle of another holder's transaction; here the other holder's transaction
     * survives an early close, and the connection is rolled back once, when nobody holds it any more.
     */
    @Test
    void onlyTheLastHolderResetsTheSharedConnection() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool();
        EventLog events = EventLog.on(pool);
        ProxiedConnection inTransaction = pool.checkout();
        ProxiedConnection other = pool.checkout();
        execute(inTransaction);
        StubConnection shared = stub(inTransaction);

        other.close();
        assertEquals(0, shared.rollbacks(), "an early close leaves the other holder's transaction alone");
        assertTrue(shared.inTransaction());

        inTransaction.close();
        assertEquals(1, shared.rollbacks());
        assertFalse(shared.inTransaction());
        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "reset#1", "checkin#1"), events.take(),
                "a joining checkout fires no checkout event, an early close no checkin");
    }

    @Test
    void propertiesAndStatementsOfEveryHolderAreRestoredWhenTheLastReturns() throws SQLException {
        Pool pool = pool();
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        StubConnection shared = stub(first);
        first.setReadOnly(true);
        Statement leftOpen = second.createStatement();

        second.close();
        assertTrue(shared.isReadOnly(), "the first holder still uses its setting");
        assertFalse(leftOpen.isClosed(), "statements stay open while the connection is in use");
        first.close();

        assertFalse(shared.isReadOnly());
        assertEquals(0, shared.openStatements());
    }

    /** Hard invalidation closes the connection under every holder; the next checkout opens a new one. */
    @Test
    void invalidatingReconnectsOnTheNextCheckout() throws SQLException {
        Pool pool = pool();
        ProxiedConnection invalidating = pool.checkout();
        ProxiedConnection bystander = pool.checkout();
        StubConnection old = stub(invalidating);

        invalidating.invalidate();
        assertTrue(old.isPhysicallyClosed());
        assertTrue(bystander.isInvalidated());
        assertThrows(SQLException.class, () -> execute(bystander));

        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
            execute(next);
        }
        bystander.close();
        assertEquals(1, driver.open());
        assertEquals(1, pool.status().open());
        try (ProxiedConnection after = pool.checkout()) {
            assertEquals(2, stub(after).id(), "the replacement is kept");
        }
    }

    @Test
    void invalidatedWhileNobodyHoldsItReconnectsToo() throws SQLException {
        Pool pool = pool();
        ProxiedConnection handle = pool.checkout();
        StubConnection old = stub(handle);
        handle.invalidate();
        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
        }
        assertEquals(1, driver.open());
    }

    @Test
    void disposeClosesTheIdleConnectionAndTheNextCheckoutOpensANewOne() throws SQLException {
        Pool pool = pool();
        StubConnection first;
        try (ProxiedConnection handle = pool.checkout()) {
            first = stub(handle);
        }
        pool.dispose();
        assertTrue(first.isPhysicallyClosed());
        assertEquals(0, pool.status().open());
        try (ProxiedConnection handle = pool.checkout()) {
            assertNotSame(first, stub(handle));
        }
    }

    @Test
    void disposeWhileHeldClosesTheConnectionWhenTheLastHolderReturnsIt() throws SQLException {
        Pool pool = pool();
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        StubConnection shared = stub(first);

        pool.dispose();
        execute(first);
        first.close();
        assertFalse(shared.isPhysicallyClosed(), "still held");
        second.close();

        assertTrue(shared.isPhysicallyClosed());
        assertEquals(0, driver.open());
        try (ProxiedConnection handle = pool.checkout()) {
            assertNotSame(shared, stub(handle));
        }
        assertEquals(1, driver.open());
    }

    /** Behaviour 1: dispose and recreate never call the creator, even failing. */
    @Test
    void disposeAndRecreateNeverConnect() throws SQLException {
        Pool pool = pool();
        pool.checkout().close();
        driver.failConnect(new SQLException("database is down", "08001"));

        pool.dispose();
        pool.recreate().dispose();

        assertEquals(1, driver.connectAttempts());
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
    void aSoleHolderMayDetachButNotWhileOthersShareTheConnection() throws SQLException {
        Pool pool = pool();
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        SQLException refused = assertThrows(SQLException.class, first::detach);
        assertEquals("55000", refused.getSQLState());
        second.close();

        first.detach();
        StubConnection detached = stub(first);
        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(detached, stub(next), "the pool opened a new shared connection");
        }
        first.close();
        assertTrue(detached.isPhysicallyClosed());
        assertEquals(1, driver.open());
        assertEquals(1, pool.status().open());
    }

    @Test
    void aFailingFirstConnectReachesTheCallerAndTheNextCheckoutTriesAgain() throws SQLException {
        Pool pool = pool();
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);
        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        driver.failConnect(null);
        try (ProxiedConnection handle = pool.checkout()) {
            execute(handle);
        }
        assertEquals(1, driver.open());
    }

    /**
     * Eight threads hold the pool's connection at once, each using it between two barriers, for several rounds:
     * after every operation there is exactly one driver connection, and in every round the last holder alone rolls
     * it back.
     */
    @Test
    void eightThreadsAtOnceStayOnOnePhysicalConnection() throws Exception {
        driver.defaultAutoCommit(false);
        Pool pool = pool();
        int threads = 8;
        int rounds = 20;
        CyclicBarrier allHolding = new CyclicBarrier(threads);
        CyclicBarrier allReturned = new CyclicBarrier(threads);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        try (ProxiedConnection handle = pool.checkout()) {
                            assertEquals(1, driver.opened(), "one physical connection");
                            execute(handle);
                            allHolding.await(10, TimeUnit.SECONDS);
                            assertEquals(1, pool.status().open());
                        }
                        assertEquals(1, driver.open(), "closing a handle never closes the connection");
                        allReturned.await(10, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        StubConnection only = driver.connections().get(0);
        assertEquals(1, driver.opened());
        assertEquals(rounds, only.rollbacks(), "one reset per round: the last holder's");
        assertEquals(0, pool.status().checkedOut());
        assertEquals(1, pool.status().checkedIn());
    }

    @Test
    void aJoinThatCannotReconnectFailsAndLosesNoHolder() throws SQLException {
        Pool pool = pool();
        ProxiedConnection invalidating = pool.checkout();
        ProxiedConnection bystander = pool.checkout();
        invalidating.invalidate();
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);

        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        assertEquals(1, pool.status().checkedOut(), "the bystander still holds it");
        bystander.close();
        assertEquals(0, pool.status().checkedOut());
        driver.failConnect(null);
        try (ProxiedConnection next = pool.checkout()) {
            execute(next);
        }
        assertEquals(1, driver.open());
        assertEquals(1, pool.status().open());
    }

    @Test
    void recycleReplacesTheConnectionAtACheckoutThatFindsNobodyHoldingIt() throws SQLException {
        FakeClock clock = new FakeClock();
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, settings().withRecycle(Duration.ofSeconds(30)),
                clock);
        ProxiedConnection first = pool.checkout();
        StubConnection old = stub(first);
        clock.advance(Duration.ofSeconds(31));
        try (ProxiedConnection joined = pool.checkout()) {
            assertSame(old, stub(joined), "not recycled under a holder");
        }
        first.close();

        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
        }
        assertTrue(old.isPhysicallyClosed());
        assertEquals(1, driver.open());
    }

    @Test
    void prePingReplacesADeadIdleConnection() throws SQLException {
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, settings().withPrePing(true));
        StubConnection old;
        try (ProxiedConnection handle = pool.checkout()) {
            old = stub(handle);
        }
        old.kill();
        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
            execute(next);
        }
        assertEquals(1, driver.open());
    }

    @Test
    void foundByNameOutsideOsgi() {
        assertTrue(Pools.strategies().contains("static"), Pools.strategies()::toString);
    }
}

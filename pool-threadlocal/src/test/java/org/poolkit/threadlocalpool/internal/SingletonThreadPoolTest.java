package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
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
 * The {@code threadlocal} strategy in the real engine, on the stub driver. SQLAlchemy behaviours from
 * research/sqlalchemy-pool.md §5 are cited by number. Other threads are single-thread executors, so that a "thread"
 * of a test is the same thread every time it is used.
 */
class SingletonThreadPoolTest {

    private final StubDriver driver = new StubDriver();
    private final List<ExecutorService> threads = new ArrayList<>();

    @AfterEach
    void stopThreads() {
        threads.forEach(ExecutorService::shutdownNow);
    }

    private static PoolSettings settings(int size) {
        return PoolSettings.defaults().withName("threadlocal-test").withPoolSize(size);
    }

    private Pool pool(int size) {
        return Pools.create(SingletonThreadPoolProvider.NAME, driver, settings(size));
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    private ExecutorService newThread() {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        threads.add(thread);
        return thread;
    }

    private static <T> T on(ExecutorService thread, Callable<T> task) throws Exception {
        return thread.submit(task).get(10, TimeUnit.SECONDS);
    }

    /** Checks out and in on the given thread. @return the id of the driver connection it had */
    private static int useOn(ExecutorService thread, Pool pool) throws Exception {
        return on(thread, () -> {
            try (ProxiedConnection handle = pool.checkout()) {
                return stub(handle).id();
            }
        });
    }

    /**
     * Behaviour 90: a nested checkout on the same thread gets the same driver connection; closing the inner one
     * issues no call, closing the outer one exactly one rollback. Unlike SQLAlchemy, which returns the same proxy,
     * each checkout has its own handle, so the inner one, closed, stays closed.
     */
    @Test
    void nestedCheckoutSharesTheConnectionAndOnlyTheOutermostCloseChecksIn() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool(5);
        EventLog events = EventLog.on(pool);
        ProxiedConnection outer = pool.checkout();
        execute(outer);
        ProxiedConnection inner = pool.checkout();
        StubConnection connection = stub(outer);
        assertSame(connection, stub(inner));
        assertNotSame(outer, inner);
        connection.clearCalls();

        inner.close();
        assertEquals(List.of(), connection.calls(), "the inner close does nothing to the connection");
        assertTrue(inner.isClosed());
        assertEquals("08003", assertThrows(SQLException.class, inner::createStatement).getSQLState());
        execute(outer);

        outer.close();
        assertEquals(1, connection.rollbacks());
        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "reset#1", "checkin#1"), events.take());
        assertFalse(connection.isPhysicallyClosed(), "kept for this thread");
    }

    @Test
    void eachThreadHasItsOwnConnectionAndKeepsIt() throws Exception {
        Pool pool = pool(5);
        ExecutorService a = newThread();
        ExecutorService b = newThread();

        int first = useOn(a, pool);
        int second = useOn(b, pool);

        assertNotEquals(first, second);
        assertEquals(first, useOn(a, pool));
        assertEquals(second, useOn(b, pool));
        assertEquals(2, driver.opened());
        assertEquals(2, pool.status().checkedIn());
    }

    /**
     * Better than SQLAlchemy's arbitrary set order: in a full pool, the least recently checked in idle connection is
     * closed. (a's second checkin, with two kept of two, takes a stamp that puts it after b.)
     */
    @Test
    void surplusConnectionsCloseLeastRecentlyUsedFirst() throws Exception {
        Pool pool = pool(2);
        ExecutorService a = newThread();
        ExecutorService b = newThread();
        ExecutorService c = newThread();
        int idA = useOn(a, pool);
        int idB = useOn(b, pool);
        assertEquals(idA, useOn(a, pool), "a is now the most recently used");

        useOn(c, pool);
        assertTrue(connection(idB).isPhysicallyClosed(), "b was the least recently used");
        assertFalse(connection(idA).isPhysicallyClosed());

        int idA2 = useOn(a, pool);
        assertEquals(idA, idA2);
        int idB2 = useOn(b, pool);
        assertNotEquals(idB, idB2, "b connects anew");
        assertEquals(2, driver.open());
        assertTrue(pool.status().toString().endsWith("size: 2"), pool.status().toString());
    }

    /**
     * Where the order is not exact: a checkin while fewer than pool.size are kept takes no stamp, so that the steady
     * path writes nothing shared, and its connection keeps the place of its making.
     */
    @Test
    void aCheckinWhileThePoolIsNotFullKeepsTheConnectionsPlaceInTheSurplusOrder() throws Exception {
        Pool pool = pool(3);
        ExecutorService a = newThread();
        ExecutorService b = newThread();
        int idA = useOn(a, pool);
        int idB = useOn(b, pool);
        assertEquals(idA, useOn(a, pool), "two kept of three: no stamp");
        useOn(newThread(), pool);

        useOn(newThread(), pool);

        assertTrue(connection(idA).isPhysicallyClosed(), "a, made first, though b was checked in less recently");
        assertFalse(connection(idB).isPhysicallyClosed());
        assertEquals(3, driver.open());
    }

    private StubConnection connection(int id) {
        return driver.connections().stream().filter(c -> c.id() == id).findFirst().orElseThrow();
    }

    /**
     * Behaviour 91, done better: with pool.size 1 and the main thread holding its connection, another thread's
     * checkout does not close it (SQLAlchemy does). The surplus is closed once it is idle.
     */
    @Test
    void aConnectionInUseIsNeverClosedForAnotherThread() throws Exception {
        Pool pool = pool(1);
        ProxiedConnection held = pool.checkout();
        StubConnection mine = stub(held);
        ExecutorService other = newThread();

        int theirs = useOn(other, pool);

        assertFalse(mine.isPhysicallyClosed());
        execute(held);
        assertTrue(connection(theirs).isPhysicallyClosed(), "the other thread's connection was the idle surplus");
        held.close();
        assertEquals(1, driver.open());
    }

    /**
     * pool.size 2, six threads: each checks out (sometimes nested), uses and returns its connection in rounds that
     * all six overlap. After every operation the thread's own connection is open; at the end at most two are.
     */
    @Test
    void sixThreadsNeverLoseAConnectionInUseAndEndWithAtMostTwoOpen() throws Exception {
        Pool pool = pool(2);
        int threadCount = 6;
        int rounds = 30;
        Queue<String> overLimit = new ConcurrentLinkedQueue<>();
        // Run when every thread waits here holding its connection and none is inside the pool, so that no surplus is
        // on its way to closing while its thread already connects anew.
        CyclicBarrier allHolding = new CyclicBarrier(threadCount, () -> {
            if (pool.status().open() > threadCount) {
                overLimit.add(pool.status().toString());
            }
        });
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threadCount);
        threads.add(executor);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            results.add(executor.submit(() -> {
                start.await();
                for (int round = 0; round < rounds; round++) {
                    try (ProxiedConnection handle = pool.checkout()) {
                        StubConnection mine = stub(handle);
                        execute(handle);
                        if (round % 3 == 0) {
                            try (ProxiedConnection nested = pool.checkout()) {
                                assertSame(mine, stub(nested));
                                execute(nested);
                            }
                            assertFalse(mine.isPhysicallyClosed(), "closed while held, after a nested close");
                        }
                        if (round % 2 == 0) {
                            allHolding.await(10, TimeUnit.SECONDS);
                        }
                        assertFalse(mine.isPhysicallyClosed(), "closed while held");
                        execute(handle);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), List.copyOf(overLimit), "more open than threads while all held theirs");
        assertTrue(driver.open() <= 2, driver::toString);
        assertEquals(driver.open(), pool.status().open());
        assertEquals(0, pool.status().checkedOut());
    }

    /** Behaviour 89, done better: 10 threads, 10 cycles each, pool.size 3: exactly 3 kept (SQLAlchemy: 3 or 4). */
    @Test
    void tenThreadsLeaveExactlyPoolSizeConnections() throws Exception {
        Pool pool = pool(3);
        ExecutorService executor = Executors.newFixedThreadPool(10);
        threads.add(executor);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            results.add(executor.submit(() -> {
                start.await();
                for (int i = 0; i < 10; i++) {
                    try (ProxiedConnection handle = pool.checkout()) {
                        execute(handle);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(30, TimeUnit.SECONDS);
        }
        assertEquals(3, driver.open());
        assertEquals(3, pool.status().open());
        assertEquals(3, pool.status().checkedIn());
    }

    @Test
    void disposeClosesIdleConnectionsAndAHeldOneWhenItComesBack() throws Exception {
        Pool pool = pool(5);
        ExecutorService other = newThread();
        int idle = useOn(other, pool);
        ProxiedConnection held = pool.checkout();
        StubConnection mine = stub(held);

        pool.dispose();

        assertTrue(connection(idle).isPhysicallyClosed());
        assertFalse(mine.isPhysicallyClosed());
        held.close();
        assertTrue(mine.isPhysicallyClosed());
        assertEquals(0, driver.open());
        try (ProxiedConnection again = pool.checkout()) {
            assertNotSame(mine, stub(again));
        }
        assertEquals(1, driver.open());
    }

    @Test
    void invalidatingReconnectsTheThreadsConnectionOnItsNextCheckout() throws SQLException {
        Pool pool = pool(5);
        ProxiedConnection handle = pool.checkout();
        StubConnection old = stub(handle);
        handle.invalidate();
        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next));
        }
        assertEquals(1, driver.open());
    }

    /** Behaviour 1: dispose and recreate never call the creator; the copy keeps pool.size. */
    @Test
    void disposeAndRecreateNeverConnect() throws SQLException {
        Pool pool = pool(3);
        pool.checkout().close();
        driver.failConnect(new SQLException("database is down", "08001"));

        pool.dispose();
        Pool copy = pool.recreate();
        copy.dispose();

        assertEquals(1, driver.connectAttempts());
        assertEquals(3, copy.status().size());
        assertEquals(SingletonThreadPoolProvider.NAME, copy.strategy());
    }

    /** Behaviour 4: connect, close, dispose, recreate, connect, close: rollback, close, rollback. */
    @Test
    void disposeAndRecreateCallsAreRollbackCloseRollback() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool(5);
        pool.checkout().close();
        pool.dispose();
        pool.recreate().checkout().close();

        assertEquals(List.of("rollback", "close", "rollback"), driver.calls("rollback", "close"));
    }

    @Test
    void aFailingConnectReachesTheCallerAndKeepsNothing() throws SQLException {
        Pool pool = pool(2);
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);
        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        assertEquals(0, pool.status().checkedIn() + pool.status().checkedOut());
        driver.failConnect(null);
        pool.checkout().close();
        assertEquals(1, driver.open());
    }

    @Test
    void recycleAndPrePingActOnTheOutermostCheckoutOnly() throws SQLException {
        FakeClock clock = new FakeClock();
        Pool pool = Pools.create(SingletonThreadPoolProvider.NAME, driver,
                settings(5).withRecycle(Duration.ofSeconds(30)).withPrePing(true), clock);
        ProxiedConnection outer = pool.checkout();
        StubConnection old = stub(outer);
        clock.advance(Duration.ofSeconds(31));
        try (ProxiedConnection nested = pool.checkout()) {
            assertSame(old, stub(nested), "not recycled under its outer holder");
        }
        assertEquals(0, old.isValidCalls(), "a nested checkout is not pinged");
        outer.close();

        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(old, stub(next), "recycled at the next outermost checkout");
        }
        assertTrue(old.isPhysicallyClosed());
        assertEquals(1, driver.open());
    }

    @Test
    void foundByNameOutsideOsgiAndStatusReadsLikeSqlAlchemys() {
        assertTrue(Pools.strategies().contains("threadlocal"), Pools.strategies()::toString);
        assertTrue(pool(5).status().toString().matches("SingletonThreadPool id:\\d+ size: 0"));
    }
}

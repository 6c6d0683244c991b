package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.closeAll;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetStyle;
import org.poolkit.core.SwappableDataSource;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/** Live settings: a queue pool takes pool.size, max.overflow, timeout, use.lifo and the engine's settings in place. */
class QueuePoolReconfigureTest {

    /** The largest pool.size + max.overflow the contention test configures. */
    private static final int MOST = 7 + 3;

    private final StubDriver driver = new StubDriver();

    private SwappableDataSource dataSource(PoolSettings settings) {
        return new SwappableDataSource("live", queuePool(driver, settings));
    }

    @Test
    void aLargerPoolSizeServesAWaiterAtOnceInTheSamePool() throws SQLException {
        SwappableDataSource source = dataSource(settings(2, 0));
        Pool pool = source.pool();
        List<ProxiedConnection> held = checkout(pool, 2);
        Worker<Integer> waiter = Worker.checkoutAndReturn("waiter", pool);
        awaitWaiting(pool, 1);

        assertTrue(source.reconfigure(settings(3, 0)));

        assertTrue(waiter.join() > 0, "the waiter got a connection");
        assertSame(pool, source.pool(), "no new pool");
        closeAll(held);
        assertEquals(counts(3, 3, 0, 0), counts(pool));
        assertEquals(3, driver.open());
    }

    @Test
    void aSmallerPoolSizeClosesIdleConnectionsBeyondItAndReturnsBeyondIt() throws SQLException {
        SwappableDataSource source = dataSource(settings(4, 0));
        Pool pool = source.pool();
        closeAll(checkout(pool, 4));
        List<ProxiedConnection> held = checkout(pool, 3);

        assertTrue(source.reconfigure(settings(2, 0)));
        assertEquals(4, driver.open(), "the one idle connection fits the new size; three are out");
        closeAll(held);

        assertEquals(counts(2, 2, 0, 0), counts(pool));
        assertEquals(2, driver.open(), "the connections beyond pool.size were closed when they came back");
        assertEquals(2, pool.status().open());
    }

    @Test
    void aZeroTimeoutAppliesToTheNextCheckout() throws SQLException {
        SwappableDataSource source = dataSource(settings(1, 0));
        Pool pool = source.pool();
        ProxiedConnection held = pool.checkout();

        assertTrue(source.reconfigure(settings(1, 0).withTimeout(Duration.ZERO)));

        PoolTimeoutException timedOut = assertThrows(PoolTimeoutException.class, pool::checkout);
        assertTrue(timedOut.getMessage().contains("timeout 0.00"), timedOut.getMessage());
        held.close();
    }

    @Test
    void switchingToLifoKeepsTheIdleConnectionsAndHandsOutTheNewestFirst() throws SQLException {
        SwappableDataSource source = dataSource(settings(3, 0));
        Pool pool = source.pool();
        List<ProxiedConnection> held = checkout(pool, 3);
        List<Integer> returnOrder = new ArrayList<>();
        for (ProxiedConnection connection : held) {
            returnOrder.add(stub(connection).id());
            connection.close();
        }

        assertTrue(source.reconfigure(settings(3, 0).withUseLifo(true)));

        assertEquals(3, pool.status().checkedIn());
        assertEquals(3, driver.opened(), "no connection was opened or closed");
        try (Connection first = pool.checkout()) {
            assertEquals(returnOrder.get(2), stub(first).id(), "last in, first out");
        }
    }

    @Test
    void resetStyleAndPrePingChangeInPlace() throws SQLException {
        SwappableDataSource source = dataSource(settings(1, 0));
        Pool pool = source.pool();
        StubConnection driverConnection;
        try (Connection connection = pool.checkout()) {
            driverConnection = stub(connection);
        }

        assertTrue(source.reconfigure(settings(1, 0).withResetOnReturn(ResetStyle.COMMIT).withPrePing(true)));

        try (Connection connection = pool.checkout()) {
            assertEquals(1, driverConnection.isValidCalls(), "pre-ping is on");
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("UPDATE t SET x = 1");
            }
        }
        assertEquals(1, driverConnection.commits(), "reset.on.return is commit");
        assertEquals(0, driverConnection.rollbacks());
        assertEquals(PoolSettings.defaults().withName("queue-test").withPoolSize(1).withMaxOverflow(0)
                .withTimeout(QueuePoolFixture.LONG_TIMEOUT).withResetOnReturn(ResetStyle.COMMIT).withPrePing(true),
                pool.settings());
    }

    @Test
    void aCheckoutWaitingAtTheOldPoolsLimitIsServedByTheNewPoolAtOnce() throws SQLException {
        SwappableDataSource source = dataSource(settings(1, 0));
        Pool old = source.pool();
        Connection held = source.getConnection();
        Worker<Connection> waiting = Worker.start("waiting", source::getConnection);
        awaitWaiting(old, 1);

        StubDriver newDriver = new StubDriver();
        source.swap(queuePool(newDriver, settings(1, 0)));

        try (Connection served = waiting.join()) {
            assertSame(newDriver, stub(served).driver(), "served by the new pool, long before the old one's timeout");
        }
        StubConnection oldPhysical = stub(held);
        held.close();
        assertTrue(oldPhysical.isPhysicallyClosed(), "returned to the swapped-out pool: closed");
        assertEquals(0, driver.open());
        assertEquals(0, old.status().waiting());
    }

    @Test
    void aNewNameOrLeakThresholdNeedsANewPool() {
        SwappableDataSource source = dataSource(settings(1, 0));
        PoolSettings before = source.pool().settings();

        assertFalse(source.reconfigure(before.withName("other")));
        assertFalse(source.reconfigure(before.withLeakDetectionThreshold(Duration.ofSeconds(5))));
        assertFalse(source.reconfigure(before.withPoolSize(IdleEntries.MAX_SIZE + 1)));

        assertSame(before, source.pool().settings(), "a refused change leaves the pool as it was");
    }

    /**
     * Eight threads check out and in while pool.size, max.overflow and use.lifo change under them: nobody fails,
     * no connection is handed to two holders, the limits hold, and at the end the pool's accounting is the driver's.
     */
    @Test
    void settingsChangeUnderContentionWithoutLosingAConnection() throws Exception {
        PoolSettings first = settings(4, 2);
        SwappableDataSource source = dataSource(first);
        Pool pool = source.pool();
        Set<StubConnection> inUse = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(8);
        List<Worker<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(Worker.start("worker-" + t, () -> {
                started.countDown();
                int checkouts = 0;
                while (!stop.get()) {
                    try (Connection connection = source.getConnection()) {
                        StubConnection physical = stub(connection);
                        assertTrue(inUse.add(physical), "one connection handed to two holders");
                        assertTrue(driver.open() <= MOST, "more connections open than the largest limit");
                        inUse.remove(physical);
                    }
                    checkouts++;
                }
                return checkouts;
            }));
        }
        started.await();
        PoolSettings last = first;
        for (int round = 0; round < 200; round++) {
            last = first.withPoolSize(1 + round % 7).withMaxOverflow(round % 3 + 1).withUseLifo(round % 2 == 0);
            assertTrue(source.reconfigure(last));
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Worker<Integer> worker : workers) {
            assertTrue(worker.join() > 0, "every worker checked out");
        }

        assertSame(pool, source.pool());
        assertEquals(0, pool.status().checkedOut());
        assertTrue(pool.status().checkedIn() <= last.poolSize(), pool.status().toString());
        assertEquals(driver.open(), pool.status().open(), "the pool's count against the driver's");
        assertEquals(pool.status().checkedIn(), driver.open(), "every open connection is idle in the pool");
    }

    /**
     * dispose() while a smaller pool.size moves the idle connections into the new idle structure: the move is held
     * at its first surplus close, dispose drains the new structure meanwhile, and the move then puts the last idle
     * connection into it. dispose must still leave no connection open in the pool.
     */
    @Test
    void disposeDuringAReconfigureThatMovesIdleConnectionsLeavesNoneOpen() throws Exception {
        SwappableDataSource source = dataSource(settings(3, 0));
        Pool pool = source.pool();
        closeAll(checkout(pool, 3));
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        pool.addListener(new PoolEvents() {
            @Override
            public void close(Connection connection, PoolEntry entry) {
                if (first.compareAndSet(true, false)) {
                    closing.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        Worker<Boolean> reconfiguring = Worker.start("reconfiguring", () -> source.reconfigure(settings(1, 0)));
        assertTrue(closing.await(QueuePoolFixture.BOUND.toMillis(), TimeUnit.MILLISECONDS),
                "the move closes the surplus");

        Worker<Void> disposing = Worker.start("disposing", () -> {
            pool.dispose();
            return null;
        });
        QueuePoolFixture.await(() -> disposing.isDone() || disposing.isParked(), "dispose to finish or wait");
        release.countDown();
        assertTrue(reconfiguring.join());
        disposing.join();

        assertEquals(0, driver.open(), () -> "a disposed pool holds no open connection: " + driver);
        assertEquals(0, pool.status().checkedIn(), pool.status().toString());
    }

    /**
     * A smaller pool.size and max.overflow while the pool is at its old limit and checkouts wait: the connections
     * coming back beyond the new limit close rather than go to the waiters, so that once the old checkouts are back
     * the pool is within the new limit although it never stopped being busy.
     */
    @Test
    void connectionsBeyondASmallerLimitCloseAsTheyComeBackEvenWithCheckoutsWaiting() throws SQLException {
        SwappableDataSource source = dataSource(settings(4, 4));
        Pool pool = source.pool();
        List<ProxiedConnection> held = checkout(pool, 8);

        assertTrue(source.reconfigure(settings(2, 0)));
        Worker<Connection> first = Worker.start("first", pool::checkout);
        awaitWaiting(pool, 1);
        Worker<Connection> second = Worker.start("second", pool::checkout);
        awaitWaiting(pool, 2);
        closeAll(held);

        Connection one = first.join();
        Connection two = second.join();
        assertEquals(2, driver.open(), () -> "the old checkouts are back and two are out: " + pool.status());
        assertEquals(2, pool.status().open());
        one.close();
        two.close();
        assertEquals(counts(2, 2, 0, 0), counts(pool));
        assertEquals(2, driver.open());
    }

    /** close() fails a checkout waiting at the pool's limit, which learns that the data source is closed. */
    @Test
    void aCheckoutWaitingWhenTheDataSourceClosesFailsSayingItIsClosed() throws SQLException {
        SwappableDataSource source = dataSource(settings(1, 0));
        Connection held = source.getConnection();
        Worker<Connection> waiting = Worker.start("waiting", source::getConnection);
        awaitWaiting(source.pool(), 1);

        source.close();

        Throwable failure = waiting.failure();
        assertTrue(failure instanceof SQLException, failure.toString());
        assertEquals("08003", ((SQLException) failure).getSQLState(), failure.toString());
        assertTrue(failure.getMessage().contains("'live' is closed"), failure.getMessage());
        held.close();
        assertEquals(0, driver.open());
    }

    /**
     * Under steady load from more threads than the limits allow, pool.size and max.overflow go down: once every
     * checkout that began before the change is back, the connections open never exceed the new limits, although the
     * surplus was never idle long enough to be closed as idle.
     */
    @Test
    void smallerLimitsHoldUnderSteadyLoadOnceTheOldCheckoutsAreBack() throws Exception {
        int threads = 8;
        SwappableDataSource source = dataSource(settings(6, 4));
        Pool pool = source.pool();
        AtomicBoolean changed = new AtomicBoolean();
        AtomicBoolean checking = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger mostOpen = new AtomicInteger();
        AtomicInteger checkedCheckouts = new AtomicInteger();
        AtomicIntegerArray cyclesAfterChange = new AtomicIntegerArray(threads);
        List<Worker<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(Worker.start("worker-" + t, () -> {
                int checkouts = 0;
                while (!stop.get()) {
                    boolean startedAfterChange = changed.get();
                    boolean counted = checking.get();
                    try (Connection connection = source.getConnection()) {
                        stub(connection);
                        if (counted) {
                            mostOpen.accumulateAndGet((int) driver.open(), Math::max);
                            checkedCheckouts.incrementAndGet();
                        }
                        Thread.yield();
                    }
                    if (startedAfterChange) {
                        cyclesAfterChange.incrementAndGet(me);
                    }
                    checkouts++;
                }
                return checkouts;
            }));
        }
        QueuePoolFixture.await(() -> driver.open() > 3, "the load to open more connections than the new limits");

        assertTrue(source.reconfigure(settings(2, 1)));
        changed.set(true);
        QueuePoolFixture.await(() -> {
            for (int t = 0; t < threads; t++) {
                if (cyclesAfterChange.get(t) == 0) {
                    return false;
                }
            }
            return true;
        }, "every worker to finish a checkout begun after the change");
        checking.set(true);
        QueuePoolFixture.await(() -> checkedCheckouts.get() >= 2_000, "2000 checkouts under the new limits");
        stop.set(true);
        for (Worker<Integer> worker : workers) {
            worker.join();
        }

        assertTrue(mostOpen.get() <= 3, "open connections under pool.size 2 + max.overflow 1: " + mostOpen.get());
        assertTrue(driver.open() <= 2, driver.toString());
    }
}

package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/** The live swap: new checkouts go to the new pool at once, the old one drains, nothing fails and nothing leaks. */
class SwappableDataSourceTest {

    private final StubDriver driver = new StubDriver();

    private Pool newPool() {
        return TestPools.create(driver);
    }

    @Test
    void newCheckoutsGoToTheNewPoolAndHeldConnectionsKeepWorkingUntilClosed() throws SQLException {
        Pool first = newPool();
        SwappableDataSource source = new SwappableDataSource("ds", first);
        Connection idle = source.getConnection();
        Connection held = source.getConnection();
        StubConnection idlePhysical = stub(idle);
        StubConnection heldPhysical = stub(held);
        idle.close();

        Pool second = newPool();
        assertSame(first, source.swap(second));

        assertTrue(idlePhysical.isPhysicallyClosed(), "the old pool's idle connection closed at the swap");
        try (Connection fresh = source.getConnection()) {
            assertNotSame(heldPhysical, stub(fresh));
            assertEquals(1, second.status().checkedOut(), "the new checkout came from the new pool");
        }
        execute(held);
        assertFalse(heldPhysical.isPhysicallyClosed(), "a connection held across the swap still works");
        held.close();

        assertTrue(heldPhysical.isPhysicallyClosed(), "returned to a swapped-out pool: closed, not pooled");
        assertEquals(0, first.status().open(), "the old pool holds nothing once drained");
        assertEquals(second.status().open(), driver.open(), "only the new pool's connections are open");
    }

    @Test
    void swappingToThePoolItServesFromIsRefusedAndChangesNothing() throws SQLException {
        Pool pool = newPool();
        SwappableDataSource source = new SwappableDataSource("ds", pool);

        assertThrows(IllegalArgumentException.class, () -> source.swap(pool));

        try (Connection connection = source.getConnection()) {
            execute(connection);
        }
        assertEquals(1, pool.status().checkedIn(), "still pooling: not retired");
    }

    @Test
    void reconfigureRefusedByTheStrategyLeavesThePoolAsItWas() {
        Pool pool = newPool();
        SwappableDataSource source = new SwappableDataSource("ds", pool);

        assertTrue(source.reconfigure(pool.settings()), "the same settings need no change");
        assertFalse(source.reconfigure(pool.settings().withPoolSize(9)), "SimpleStrategy takes nothing live");
        assertEquals(pool.settings(), TestPools.settings());
        assertSame(pool, source.pool());
    }

    @Test
    void closeFailsLaterCheckoutsAndClosesHeldConnectionsWhenTheyComeBack() throws SQLException {
        Pool pool = newPool();
        SwappableDataSource source = new SwappableDataSource("ds", pool);
        Connection held = source.getConnection();

        assertSame(pool, source.close());
        assertNull(source.close(), "closing twice does nothing");

        SQLException closed = assertThrows(SQLException.class, source::getConnection);
        assertEquals("08003", closed.getSQLState());
        assertTrue(closed.getMessage().contains("'ds'"), closed.getMessage());
        execute(held);
        held.close();
        assertEquals(0, driver.open());

        source.swap(newPool());
        try (Connection again = source.getConnection()) {
            execute(again);
        }
    }

    @Test
    void aCheckoutThatFailsInTheOldPoolAfterASwapIsServedByTheNewOne() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        driver.blockConnects(gate);
        SwappableDataSource source = new SwappableDataSource("ds", newPool());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Connection> checkout = thread.submit(() -> source.getConnection());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (driver.connectsInFlight() == 0) {
                assertTrue(System.nanoTime() < deadline, "the checkout reached the old pool's driver");
                Thread.onSpinWait();
            }
            StubDriver newDriver = new StubDriver();
            source.swap(TestPools.create(newDriver));
            driver.blockConnects(null);
            driver.failConnect(new SQLException("the old database is gone", "08001"));
            gate.countDown();

            try (Connection connection = checkout.get(10, TimeUnit.SECONDS)) {
                assertSame(newDriver, stub(connection).driver(), "served by the new pool");
            }
        } finally {
            thread.shutdownNow();
        }
        assertEquals(0, driver.open());
    }

    @Test
    void aCheckoutThatFailsWithoutASwapFailsAsItWould() {
        driver.failConnect(new SQLException("down", "08001"));
        SwappableDataSource source = new SwappableDataSource("ds", newPool());

        SQLException failure = assertThrows(SQLException.class, source::getConnection);
        assertEquals("down", failure.getMessage());
    }

    /**
     * Eight threads take connections for the whole test, some holding theirs across several swaps, while the pool is
     * swapped fifty times: no checkout fails, no connection goes to two holders, every held connection works to the
     * end, and afterwards only the last pool has connections open.
     */
    @Test
    void swapsUnderContentionLoseNothing() throws Exception {
        List<Pool> pools = new ArrayList<>();
        pools.add(newPool());
        SwappableDataSource source = new SwappableDataSource("ds", pools.get(0));
        Set<StubConnection> inUse = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger checkouts = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(8);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            boolean holder = t % 4 == 0;
            results.add(threads.submit(() -> {
                running.countDown();
                while (!stop.get()) {
                    try (Connection connection = source.getConnection()) {
                        StubConnection physical = stub(connection);
                        assertTrue(inUse.add(physical), "one connection handed to two holders");
                        int seen = checkouts.incrementAndGet();
                        // A holder keeps its connection while a few swaps go by, then uses it again.
                        while (holder && !stop.get() && checkouts.get() < seen + 200) {
                            Thread.onSpinWait();
                        }
                        execute(connection);
                        inUse.remove(physical);
                    }
                }
                return null;
            }));
        }
        assertTrue(running.await(10, TimeUnit.SECONDS));
        for (int swap = 0; swap < 50; swap++) {
            int before = checkouts.get();
            Pool next = newPool();
            pools.add(next);
            source.swap(next);
            while (checkouts.get() < before + 20) {
                Thread.onSpinWait();
            }
        }
        stop.set(true);
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        for (Future<?> result : results) {
            result.get();
        }

        Pool last = pools.get(pools.size() - 1);
        assertSame(last, source.pool());
        for (Pool old : pools.subList(0, pools.size() - 1)) {
            assertEquals(0, old.status().open(), "a swapped-out pool holds nothing once drained: " + old.status());
        }
        assertEquals(last.status().open(), driver.open(), "only the last pool has connections open");
        assertEquals(0, last.status().checkedOut());
    }
}

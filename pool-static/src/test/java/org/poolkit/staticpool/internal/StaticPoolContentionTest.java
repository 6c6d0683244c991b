package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The shared connection's holder count under contention: threads check out and in as fast as they can, sometimes
 * nested, so that first checkouts, joins and last checkins race all the time.
 */
class StaticPoolContentionTest {

    private static final int THREADS = 4;
    private static final int CYCLES = 5_000;

    /**
     * The first holder's {@code checkout} event and the last holder's {@code checkin} strictly alternate, a reset
     * never happens while a caller holds the connection, every last checkin rolls back once, and it all stays on one
     * physical connection.
     */
    @Test
    void firstCheckoutsAndLastCheckinsAlternateAndNoResetHappensUnderAHolder() throws Exception {
        StubDriver driver = new StubDriver();
        driver.defaultAutoCommit(false);
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("contended"));
        // Raised after checkout() returns and lowered before close(): never above the pool's own count.
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger phase = new AtomicInteger();
        AtomicInteger checkins = new AtomicInteger();
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        pool.addListener(new PoolEvents() {
            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) {
                if (!phase.compareAndSet(0, 1)) {
                    violations.add("checkout while already checked out");
                }
            }

            @Override
            public void reset(Connection connection, PoolEntry entry, ResetState state) {
                int holders = holding.get();
                if (holders != 0) {
                    violations.add("reset under " + holders + " holder(s)");
                }
            }

            @Override
            public void checkin(Connection connection, PoolEntry entry) {
                checkins.incrementAndGet();
                if (!phase.compareAndSet(1, 0)) {
                    violations.add("checkin while not checked out");
                }
            }
        });

        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    for (int cycle = 0; cycle < CYCLES; cycle++) {
                        ProxiedConnection handle = pool.checkout();
                        holding.incrementAndGet();
                        if (cycle % 7 == 0) {
                            ProxiedConnection nested = pool.checkout();
                            holding.incrementAndGet();
                            assertSame(handle.unwrap(StubConnection.class), nested.unwrap(StubConnection.class));
                            execute(nested);
                            holding.decrementAndGet();
                            nested.close();
                        }
                        execute(handle);
                        holding.decrementAndGet();
                        handle.close();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }

        assertEquals(List.of(), List.copyOf(violations));
        assertEquals(1, driver.opened(), "one physical connection throughout");
        StubConnection only = driver.connections().get(0);
        assertTrue(checkins.get() > 0);
        assertEquals(checkins.get(), only.rollbacks(), "one rollback per last checkin");
        assertEquals(0, only.openStatements());
        assertEquals(0, pool.status().checkedOut());
        assertEquals(0, phase.get(), "checked in at the end");
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }
}

package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The first checkout that takes the shared connection with one compare-and-set (no listener, pre-ping or recycle)
 * racing last checkins and dispose(): with no listener to watch, each holder watches the connection itself. Only the
 * pool's reset rolls back, so a rollback between a holder's checkout and its close() is a reset under that holder.
 */
class StaticPoolFastClaimContentionTest {

    private static final int THREADS = 4;
    private static final int CYCLES = 5_000;

    @Test
    void aFastClaimIsNeverResetOrClosedUnderItsHolder() throws Exception {
        StubDriver driver = new StubDriver();
        driver.defaultAutoCommit(false);
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("fast-claim"));
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    for (int cycle = 0; cycle < CYCLES; cycle++) {
                        ProxiedConnection handle = pool.checkout();
                        StubConnection stub = handle.unwrap(StubConnection.class);
                        long rollbacks = stub.rollbacks();
                        execute(handle);
                        if (cycle % 7 == 0) {
                            try (ProxiedConnection nested = pool.checkout()) {
                                execute(nested);
                            }
                        }
                        if (stub.rollbacks() != rollbacks) {
                            violations.add("reset under a holder");
                        }
                        if (stub.isPhysicallyClosed()) {
                            violations.add("closed under a holder");
                        }
                        handle.close();
                    }
                    return null;
                }));
            }
            Future<?> disposer = executor.submit(() -> {
                start.await();
                while (running.get()) {
                    pool.dispose();
                    Thread.yield();
                }
                return null;
            });
            start.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
            running.set(false);
            disposer.get(10, TimeUnit.SECONDS);
        } finally {
            running.set(false);
            executor.shutdownNow();
        }

        assertEquals(List.of(), List.copyOf(violations.stream().distinct().toList()));
        assertEquals(0, pool.status().checkedOut());
        assertTrue(driver.open() <= 1, "at most the pool's one connection left open: " + driver.open());
        for (StubConnection connection : driver.connections()) {
            assertEquals(0, connection.openStatements());
            assertTrue(connection.isPhysicallyClosed() || !connection.inTransaction(),
                    "the last checkin rolled back what the holders left");
        }
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }
}

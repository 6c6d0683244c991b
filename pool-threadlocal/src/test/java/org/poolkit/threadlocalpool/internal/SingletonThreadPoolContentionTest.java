package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.RepeatedTest;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.core.SwappableDataSource;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The lock-free path under fire: platform threads check their connections out and in (sometimes nested) while
 * another thread lowers and raises {@code pool.size} and disposes the pool. No connection is ever closed under its
 * holder or seen by two threads, and once all is quiet no more than {@code pool.size} idle connections are kept.
 */
class SingletonThreadPoolContentionTest {

    private static final int WORKERS = 4;
    private static final int CHANGES = 300;
    private static final int FINAL_SIZE = 2;

    private final StubDriver driver = new StubDriver().recordCalls(false);
    private final Map<Integer, Thread> owners = new ConcurrentHashMap<>();
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicBoolean changing = new AtomicBoolean(true);

    @RepeatedTest(5)
    void resizingAndDisposingNeverCloseAConnectionUnderItsHolderNorLeaveSurplus() throws Exception {
        PoolSettings settings = PoolSettings.defaults().withName("threadlocal-contention").withPoolSize(3);
        SwappableDataSource source = new SwappableDataSource("threadlocal-contention",
                Pools.create(SingletonThreadPoolProvider.NAME, driver, settings));
        Pool pool = source.pool();
        ExecutorService executor = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(executor.submit(() -> {
                    work(pool);
                    return null;
                }));
            }
            for (int change = 1; change <= CHANGES; change++) {
                awaitCycles(change * 4L, workers);
                assertTrue(source.reconfigure(settings.withPoolSize(change % 2 == 0 ? 1 : 4)));
                if (change % 10 == 0) {
                    pool.dispose();
                }
            }
            // The last change races the workers too: their checkins must close what it could not.
            assertTrue(source.reconfigure(settings.withPoolSize(FINAL_SIZE)));
            assertSame(pool, source.pool());
            changing.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(0, pool.status().checkedOut(), pool.status()::toString);
        assertTrue(pool.status().checkedIn() <= FINAL_SIZE, pool.status()::toString);
        assertTrue(driver.open() <= FINAL_SIZE, driver::toString);
        assertEquals(driver.open(), pool.status().open());
    }

    private void work(Pool pool) throws SQLException {
        for (int round = 0; changing.get() || round < 100; round++) {
            try (ProxiedConnection handle = pool.checkout()) {
                StubConnection mine = handle.unwrap(StubConnection.class);
                Thread owner = owners.putIfAbsent(mine.id(), Thread.currentThread());
                assertTrue(owner == null || owner == Thread.currentThread(), "a connection seen by two threads");
                execute(handle);
                if (round % 3 == 0) {
                    try (ProxiedConnection nested = pool.checkout()) {
                        assertSame(mine, nested.unwrap(StubConnection.class), "a nested checkout not shared");
                        execute(nested);
                    }
                }
                assertFalse(mine.isPhysicallyClosed(), "closed under its holder");
                execute(handle);
            }
            cycles.incrementAndGet();
        }
    }

    /** Lets the workers run between two changes, so that the changes fall among their checkouts and checkins. */
    private void awaitCycles(long target, List<Future<?>> workers) throws Exception {
        while (cycles.get() < target) {
            for (Future<?> worker : workers) {
                if (worker.isDone()) {
                    worker.get();
                }
            }
            Thread.yield();
        }
    }

    private static void execute(ProxiedConnection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }
}

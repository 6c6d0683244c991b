package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.Pools;
import org.poolkit.core.SwappableDataSource;
import org.poolkit.testkit.StubDriver;

/** pool.size changes on a running thread-local pool: idle connections beyond the new size close at once. */
class SingletonThreadPoolReconfigureTest {

    @Test
    void aSmallerPoolSizeClosesTheIdleConnectionsBeyondIt() throws Exception {
        StubDriver driver = new StubDriver();
        PoolSettings settings = PoolSettings.defaults().withName("threads").withPoolSize(5);
        SwappableDataSource source = new SwappableDataSource("threads",
                Pools.create(SingletonThreadPoolProvider.NAME, driver, settings));
        Pool pool = source.pool();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                done.add(threads.submit(() -> {
                    try (Connection connection = source.getConnection()) {
                        assertTrue(connection.isValid(1));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            assertEquals(3, driver.open(), "three threads keep a connection each");

            assertTrue(source.reconfigure(settings.withPoolSize(1)));

            assertSame(pool, source.pool());
            assertEquals(1, driver.open(), "two idle connections beyond pool.size 1 closed");
            assertEquals(1, pool.status().size());
            assertEquals(driver.open(), pool.status().open());
        } finally {
            threads.shutdownNow();
        }
    }
}

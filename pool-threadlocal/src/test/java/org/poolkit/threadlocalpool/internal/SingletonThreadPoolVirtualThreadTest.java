package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;
import org.poolkit.testkit.VirtualThreads;

/**
 * The decision for virtual threads: on a virtual thread the connection lives as long as the outermost checkout
 * (nested checkouts share it), is closed by the outermost {@code close()}, and does not count towards pool.size.
 * Skipped on Java 17; the root pom's jdk25-virtual-threads profile runs it on JDK 25.
 */
@Tag("virtual-threads")
class SingletonThreadPoolVirtualThreadTest {

    private final StubDriver driver = new StubDriver();

    @BeforeEach
    void needsVirtualThreads() {
        assumeTrue(VirtualThreads.available(), VirtualThreads.UNAVAILABLE);
    }

    private Pool pool(int size) {
        return Pools.create(SingletonThreadPoolProvider.NAME, driver,
                PoolSettings.defaults().withName("threadlocal-virtual").withPoolSize(size));
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    @Test
    void nestedCheckoutsShareTheConnectionAndTheOutermostCloseClosesIt() throws Exception {
        Pool pool = pool(5);
        ExecutorService executor = VirtualThreads.newThreadPerTaskExecutor();
        try {
            Future<?> task = executor.submit(() -> {
                assertTrue(VirtualThreads.isVirtual(Thread.currentThread()));
                StubConnection first;
                try (ProxiedConnection outer = pool.checkout()) {
                    first = stub(outer);
                    try (ProxiedConnection inner = pool.checkout()) {
                        assertSame(first, stub(inner));
                    }
                    assertFalse(first.isPhysicallyClosed(), "the inner close keeps it for the outer holder");
                }
                assertTrue(first.isPhysicallyClosed(), "not kept for a virtual thread");
                try (ProxiedConnection again = pool.checkout()) {
                    assertNotSame(first, stub(again));
                }
                return null;
            });
            task.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertEquals(2, driver.opened());
        assertEquals(0, driver.open());
        assertEquals(0, pool.status().open());
    }

    /**
     * Many virtual threads at once, pool.size 1, with a platform thread holding its kept connection throughout:
     * every virtual thread's connection is closed when it is done, and the platform thread's is neither closed nor
     * pushed out as surplus.
     */
    @Test
    void virtualThreadsLeaveNoConnectionBehindAndDoNotCountTowardsPoolSize() throws Exception {
        Pool pool = pool(1);
        StubConnection platform;
        try (ProxiedConnection held = pool.checkout()) {
            platform = stub(held);
        }
        int tasks = 50;
        CountDownLatch allHolding = new CountDownLatch(tasks);
        ExecutorService executor = VirtualThreads.newThreadPerTaskExecutor();
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                results.add(executor.submit(() -> {
                    try (ProxiedConnection handle = pool.checkout()) {
                        allHolding.countDown();
                        assertTrue(allHolding.await(10, TimeUnit.SECONDS), "all virtual threads hold at once");
                        assertFalse(stub(handle).isPhysicallyClosed());
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(10, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(1, driver.open(), "only the platform thread's kept connection");
        assertFalse(platform.isPhysicallyClosed());
        assertEquals(1, pool.status().open());
        assertEquals(1, pool.status().checkedIn());
    }
}

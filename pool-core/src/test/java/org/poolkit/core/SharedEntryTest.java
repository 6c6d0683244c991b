package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.settings;
import static org.poolkit.core.TestPools.stub;

import java.lang.ref.WeakReference;
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
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.GarbageCollection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The engine's side of {@link PoolContext#newSharedEntry()}, over the smallest sharing strategy: one shared entry for
 * every checkout. The strategies that share (static, threadlocal) test their own behaviour in their modules; this
 * keeps the engine's contract covered where the engine is changed.
 */
class SharedEntryTest {

    private final StubDriver driver = new StubDriver();

    private Pool pool(PoolSettings settings) {
        return OneSharedEntry.pool(driver, settings);
    }

    /**
     * Eight threads hold the entry at once and each opens statements, closing half: the bookkeeping they share is not
     * corrupted, nothing is closed under a holder, and the last checkin closes every statement left open and rolls
     * back once.
     */
    @Test
    void concurrentHoldersShareTheBookkeepingAndTheLastCheckinResets() throws Exception {
        driver.defaultAutoCommit(false);
        Pool pool = pool(settings());
        pool.checkout().close();
        StubConnection shared = driver.connections().get(0);
        long rollbacksBefore = shared.rollbacks();
        int threads = 8;
        CyclicBarrier allHolding = new CyclicBarrier(threads);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    try (ProxiedConnection handle = pool.checkout()) {
                        assertSame(shared, stub(handle));
                        for (int i = 0; i < 50; i++) {
                            Statement statement = handle.createStatement();
                            statement.execute("SELECT 1");
                            if (i % 2 == 0) {
                                statement.close();
                            }
                        }
                        allHolding.await(10, TimeUnit.SECONDS);
                        assertFalse(shared.isPhysicallyClosed());
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
        assertEquals(0, shared.openStatements(), "the last checkin closed the 200 left open");
        assertEquals(rollbacksBefore + 1, shared.rollbacks(), "one reset, by the last holder");
        assertEquals(1, driver.open());
        assertFalse(shared.entry().isCheckedOut());
    }

    @Test
    void leakDetectionThresholdWorksWithSharedEntries() throws SQLException {
        Pool pool = pool(settings().withLeakDetectionThreshold(Duration.ofMinutes(5)));
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        assertTrue(first.entry().isCheckedOut());
        first.close();
        assertTrue(second.entry().isCheckedOut(), "still held by the second");
        PoolEntry entry = second.entry();
        second.close();
        assertFalse(entry.isCheckedOut());
    }

    /**
     * Every holder dropped its handle: a checkout that finds the shared anchor collected before the collector queued
     * its tracker takes the entry back itself (here called as that checkout does); when the tracker arrives, the leak
     * detector finds the entry armed anew and leaves it alone. One leaked reset, one checkin, and the next checkout
     * starts afresh.
     */
    @Test
    void aSharedEntryIsTakenBackOnceWhoeverNoticesItsHoldersAreGone() throws SQLException {
        driver.defaultAutoCommit(false);
        Engine pool = (Engine) pool(settings());
        EventLog events = EventLog.on(pool);
        Entry[] held = new Entry[1];
        WeakReference<ProxiedConnection> first = checkoutAndDrop(pool, held);
        WeakReference<ProxiedConnection> joined = checkoutAndDrop(pool, held);
        Entry entry = held[0];
        LeakDetector.Tracker tracker = entry.tracker();
        events.take();

        assertTrue(GarbageCollection.collectUntil(
                () -> first.get() == null && joined.get() == null && tracker.get() == null),
                "the dropped handles were never collected");
        pool.checkinLeakedShared(entry, tracker);
        assertFalse(entry.isCheckedOut());
        assertEquals(List.of("reset(leaked)#1", "checkin#1"), events.take());

        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry());
        }
        pool.checkinLeakedShared(entry, tracker);
        assertEquals(List.of("checkout#1", "reset#1", "checkin#1"), events.take(),
                "the stale tracker, from the collector or a second call, takes nothing back");
        assertEquals(2, driver.connections().get(0).rollbacks());
        assertEquals(1, driver.opened());
    }

    private static WeakReference<ProxiedConnection> checkoutAndDrop(Pool pool, Entry[] held) throws SQLException {
        ProxiedConnection handle = pool.checkout();
        held[0] = (Entry) handle.entry();
        return new WeakReference<>(handle);
    }
}

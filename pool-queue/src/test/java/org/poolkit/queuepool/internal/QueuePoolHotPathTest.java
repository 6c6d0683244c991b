package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The promises of the checkout-checkin hot path with default settings: no clock read when an idle connection is at
 * hand, one when the checkout has to wait, and no allocation but the handle the holder receives. Counted, not timed.
 */
class QueuePoolHotPathTest {

    private final StubDriver driver = new StubDriver();
    private final AtomicLong clockReads = new AtomicLong();
    private final LongSupplier countingClock = () -> {
        clockReads.incrementAndGet();
        return System.nanoTime();
    };

    @Test
    void aCheckoutThatFindsAnIdleConnectionReadsNoClock() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 0), countingClock);
        pool.checkout().close();
        clockReads.set(0);

        for (int i = 0; i < 1_000; i++) {
            pool.checkout().close();
        }

        assertEquals(0, clockReads.get(), "clock reads in 1,000 cycles with default settings");
    }

    @Test
    void aCheckoutServedByAHandOffReadsTheClockOnce() throws Exception {
        Pool pool = queuePool(driver, settings(1, 0), countingClock);
        Connection held = pool.checkout();
        clockReads.set(0);

        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            try {
                pool.checkout().close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitWaiting(pool, 1);
        held.close();
        waiter.get(10, TimeUnit.SECONDS);

        assertEquals(1, clockReads.get(), "clock reads of a checkout that waited and was handed a connection");
    }

    @Test
    void aCycleAllocatesNothingButTheHandle() throws SQLException {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean
                && ((com.sun.management.ThreadMXBean) threads).isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
        long self = Thread.currentThread().getId();
        Pool pool = queuePool(driver, settings(2, 0));
        for (int i = 0; i < 20_000; i++) {
            pool.checkout().close();
        }

        int cycles = 20_000;
        long before = counter.getThreadAllocatedBytes(self);
        for (int i = 0; i < cycles; i++) {
            pool.checkout().close();
        }
        double perCycle = (double) (counter.getThreadAllocatedBytes(self) - before) / cycles;

        // The handle is 40 bytes with compressed references, 56 without; a second object per cycle (the leak
        // tracker it used to carry was 24 more) would exceed this.
        assertTrue(perCycle <= 56, "bytes allocated per checkout and checkin: " + perCycle);
    }

    /**
     * The allocation bound above would also pass if handles were recycled: a closed handle must not become the next
     * holder's, and must stay closed while the next holder uses the same driver connection.
     */
    @Test
    void aClosedHandleIsNeverTheNextHoldersAndStaysClosed() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0));
        ProxiedConnection first = pool.checkout();
        first.close();

        try (ProxiedConnection next = pool.checkout()) {
            assertNotSame(first, next);
            assertSame(stub(next), driver.connections().get(0), "the same driver connection, a new handle");
            assertTrue(first.isClosed());
            assertEquals("08003", assertThrows(SQLException.class, first::createStatement).getSQLState());
            first.close();
            assertTrue(next.isValid(1), "closing the old handle again leaves the new holder alone");
            assertEquals(1, pool.status().checkedOut());
        }
    }
}

package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/** A nested checkout garbage collected without {@code close()} does not keep its thread's connection out for good. */
class SingletonThreadPoolLeakTest {

    /** Enough collections for a phantom reference to be enqueued on any collector. */
    private static final Duration GC_PATIENCE = Duration.ofSeconds(20);

    private final StubDriver driver = new StubDriver();

    /** A nested checkout, dropped; in its own frame so that no local keeps it reachable. */
    private static void nestedCheckoutDropped(Pool pool) throws SQLException {
        try (Statement statement = pool.checkout().createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    private static boolean collectUntilNothingIsCheckedOut(Pool pool) {
        long deadline = System.nanoTime() + GC_PATIENCE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            if (pool.status().checkedOut() == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aDroppedNestedCheckoutIsTakenBackAndTheThreadsConnectionResetOnce() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = Pools.create(SingletonThreadPoolProvider.NAME, driver,
                PoolSettings.defaults().withName("threadlocal-leak").withPoolSize(2));
        EventLog events = EventLog.on(pool);
        ProxiedConnection outer = pool.checkout();
        StubConnection mine = outer.unwrap(StubConnection.class);
        nestedCheckoutDropped(pool);
        outer.close();
        assertEquals(1, pool.status().checkedOut(), "the dropped inner checkout still holds it");
        assertTrue(mine.inTransaction());
        events.take();

        assertTrue(collectUntilNothingIsCheckedOut(pool), "never taken back: " + pool.status());

        assertEquals(List.of("reset#" + mine.id(), "checkin#" + mine.id()), events.take());
        assertFalse(mine.inTransaction());
        try (ProxiedConnection again = pool.checkout()) {
            assertSame(mine, again.unwrap(StubConnection.class), "the thread keeps its connection");
        }
        assertEquals(1, driver.open());
    }
}

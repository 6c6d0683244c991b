package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.GarbageCollection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/** A nested checkout garbage collected without {@code close()} does not keep its thread's connection out for good. */
class SingletonThreadPoolLeakTest {

    private final StubDriver driver = new StubDriver();

    /** A nested checkout, dropped; in its own frame so that no local keeps it reachable. */
    private static void nestedCheckoutDropped(Pool pool) throws SQLException {
        try (Statement statement = pool.checkout().createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /** Collects garbage until {@link Pool#status()}, which takes back collected handles, shows none checked out. */
    private static boolean collectUntilNothingIsCheckedOut(Pool pool) {
        return GarbageCollection.collectUntil(() -> pool.status().checkedOut() == 0);
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

        assertEquals(List.of("reset(leaked)#" + mine.id(), "checkin#" + mine.id()), events.take());
        assertFalse(mine.inTransaction());
        try (ProxiedConnection again = pool.checkout()) {
            assertSame(mine, again.unwrap(StubConnection.class), "the thread keeps its connection");
        }
        assertEquals(1, driver.open());
    }
}

package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.core.Pools;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.GarbageCollection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * A handle on the shared connection garbage collected without {@code close()}: the pool counts its holder out, and
 * resets and checks the connection in when the last holder is gone, whether that last one leaked or closed.
 */
class StaticPoolLeakTest {

    private final StubDriver driver = new StubDriver();

    /** Checks out and drops the handle, in its own frame so that no local keeps it reachable. */
    private static WeakReference<ProxiedConnection> checkoutAndDrop(Pool pool) throws SQLException {
        return new WeakReference<>(pool.checkout());
    }

    /** Collects garbage, and lets the pool take back what it finds, until the condition holds or patience runs out. */
    private static boolean collectUntil(Pool pool, BooleanSupplier condition) {
        return GarbageCollection.collectUntil(() -> {
            pool.status();
            return condition.getAsBoolean();
        });
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    @Test
    void aDroppedHolderIsCountedOutAndTheLastCloseResets() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("static-leak"));
        EventLog events = EventLog.on(pool);
        ProxiedConnection kept = pool.checkout();
        StubConnection shared = kept.unwrap(StubConnection.class);
        WeakReference<ProxiedConnection> dropped = checkoutAndDrop(pool);
        execute(kept);
        events.take();

        assertTrue(collectUntil(pool, () -> dropped.get() == null), "the dropped handle was never collected");
        assertEquals(List.of(), events.take(), "no reset under the holder that is still there");
        assertEquals(1, pool.status().checkedOut());
        execute(kept);
        assertTrue(shared.inTransaction());

        kept.close();
        // Whichever went first, the close or the pool taking back the collected handle, the second resets.
        assertTrue(collectUntil(pool, () -> pool.status().checkedOut() == 0),
                "the dropped holder was never taken back: " + pool.status());
        List<String> taken = events.take();
        assertTrue(taken.equals(List.of("reset#" + shared.id(), "checkin#" + shared.id()))
                || taken.equals(List.of("reset(leaked)#" + shared.id(), "checkin#" + shared.id())),
                "one reset and checkin, when the last holder was gone: " + taken);
        assertEquals(0, pool.status().checkedOut());
        assertFalse(shared.inTransaction());
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(shared, next.unwrap(StubConnection.class));
        }
        assertEquals(1, driver.open());
    }

    @Test
    void whenTheLastHolderLeaksTheConnectionIsResetAsLeakedAndCheckedIn() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("static-leak"));
        EventLog events = EventLog.on(pool);
        List<ResetState> resets = new CopyOnWriteArrayList<>();
        pool.addListener(new PoolEvents() {
            @Override
            public void reset(Connection connection, PoolEntry entry, ResetState state) {
                resets.add(state);
            }
        });
        ProxiedConnection closed = pool.checkout();
        StubConnection shared = closed.unwrap(StubConnection.class);
        WeakReference<ProxiedConnection> dropped = checkoutAndDrop(pool);
        closed.close();
        assertEquals(1, pool.status().checkedOut(), "the dropped holder still holds it");
        events.take();

        assertTrue(collectUntil(pool, () -> pool.status().checkedOut() == 0),
                "the dropped holder was never taken back: " + pool.status());

        assertNull(dropped.get());
        assertEquals(List.of("reset(leaked)#" + shared.id(), "checkin#" + shared.id()), events.take());
        assertEquals(List.of(new ResetState(false, true)), resets, "reset once, as a leaked connection");
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(shared, next.unwrap(StubConnection.class));
        }
        assertEquals(1, driver.open());
    }
}

package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.settings;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.testkit.GarbageCollection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * A shared entry's leak take-back against what its holders and listeners do meanwhile. A tracker reaches
 * {@link Engine#checkinLeakedShared} twice for one leak whenever a checkout finds the anchor gone before the collector
 * queued the tracker: once from that checkout, once from the queue, at any later moment.
 */
class SharedEntryLeakRaceTest {

    private final StubDriver driver = new StubDriver();

    private Engine pool() {
        return OneSharedEntry.pool(driver, settings());
    }

    /**
     * The late tracker finds the entry armed anew and held by live holders: it must leave them alone. While it looks,
     * the entry is BUSY, and a holder's close() in that instant must still count the holder out.
     */
    @Test
    void aLateTrackerNeverFailsTheCloseOfALiveHolder() throws Exception {
        Engine pool = pool();
        Entry entry = leakedEntry(pool);
        LeakDetector.Tracker late = trackerOf(entry, true);
        // The checkout that noticed first.
        pool.checkinLeakedShared(entry, late);
        assertFalse(entry.isCheckedOut());

        ProxiedConnection outer = pool.checkout();
        Throwable failed = whileALateTrackerLooks(pool, entry, late, 200_000, () -> pool.checkout().close());
        assertNull(failed, () -> "a holder's close() failed: " + failed);
        outer.close();
        assertFalse(entry.isCheckedOut(), "every holder was counted out");
    }

    /** A sole holder's detach() in the instant a late tracker looks at the entry is not refused as shared. */
    @Test
    void aLateTrackerNeverMakesASoleHoldersDetachLookShared() throws Exception {
        Engine pool = pool();
        Entry entry = leakedEntry(pool);
        LeakDetector.Tracker late = trackerOf(entry, true);
        pool.checkinLeakedShared(entry, late);

        Throwable failed = whileALateTrackerLooks(pool, entry, late, 20_000, () -> {
            try (ProxiedConnection sole = pool.checkout()) {
                sole.detach();
            }
        });
        assertNull(failed, () -> "a sole holder's detach failed: " + failed);
    }

    /** What a holder does, again and again, while a late tracker looks. */
    @FunctionalInterface
    private interface HolderAction {
        void run() throws SQLException;
    }

    /**
     * Runs the action up to {@code times} times while another thread keeps handing a late tracker of the entry to the
     * take-back, as the leak detector's queue may at any moment.
     *
     * @return the first failure, or null
     */
    private static Throwable whileALateTrackerLooks(Engine pool, Entry entry, LeakDetector.Tracker late, int times,
            HolderAction action) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> {
            while (!stop.get()) {
                pool.checkinLeakedShared(entry, late);
            }
        });
        collector.setDaemon(true);
        collector.start();
        try {
            for (int i = 0; i < times; i++) {
                try {
                    action.run();
                } catch (Throwable e) {
                    return e;
                }
            }
            return null;
        } finally {
            stop.set(true);
            collector.join(10_000);
        }
    }

    /**
     * A checkout that found the anchor gone takes the entry back; its reset listener asks the pool's status, which
     * polls the same tracker from the queue. The nested take-back must see that the entry is this thread's own work,
     * not wait for it forever.
     */
    @Test
    void aListenerOfATakeBackMayAskTheStatusWhileTheTrackerIsQueued() throws Exception {
        Engine pool = pool();
        AtomicBoolean asked = new AtomicBoolean();
        pool.addListener(new PoolEvents() {
            @Override
            public void reset(Connection connection, PoolEntry entry, ResetState state) {
                if (asked.compareAndSet(false, true)) {
                    pool.status();
                }
            }
        });
        Entry entry = leakedEntry(pool);
        LeakDetector.Tracker tracker = trackerOf(entry, true);
        // Queued as the collector queues it (a no-op if it did already).
        tracker.enqueue();

        Thread checkout = new Thread(() -> pool.checkinLeakedShared(entry, tracker));
        checkout.setDaemon(true);
        checkout.start();
        checkout.join(10_000);
        assertFalse(checkout.isAlive(), "the take-back waits for itself");
        assertFalse(entry.isCheckedOut());
    }

    /**
     * detach() is refused while other holders share the connection; the refused holder must keep the anchor as before,
     * so that when every holder then drops its handle the anchor is collected and the entry taken back.
     */
    @Test
    void aRefusedDetachKeepsTheHoldersWatched() throws SQLException {
        Engine pool = pool();
        Entry entry = refuseDetachAndDrop(pool);
        LeakDetector.Tracker tracker = entry.tracker();

        assertTrue(GarbageCollection.collectUntil(() -> tracker.get() == null),
                "the anchor stays reachable after every holder dropped its handle");
        pool.status();
        assertFalse(entry.isCheckedOut(), "taken back");
    }

    /**
     * A holder that drops its handle with a statement open: when the entry is taken back from its holders, the reset
     * closes that statement, as it does for an exclusive entry's leaked checkout and as the shared entry did while it
     * kept its holders' statements.
     */
    @Test
    void theStatementsOfLeakedHoldersCloseWhenTheEntryIsTakenBack() throws SQLException {
        Engine pool = pool();
        Entry entry = checkoutAndLeaveAStatementOpen(pool);
        StubConnection shared = driver.connections().get(0);
        assertEquals(1, shared.openStatements());

        assertTrue(GarbageCollection.collectUntil(() -> {
            pool.status();
            return !entry.isCheckedOut();
        }), "never taken back");
        assertEquals(0, shared.openStatements(), "the leaked holder's statement is still open");
    }

    private static Entry checkoutAndLeaveAStatementOpen(Engine pool) throws SQLException {
        ProxiedConnection handle = pool.checkout();
        handle.createStatement();
        return (Entry) handle.entry();
    }

    private static Entry refuseDetachAndDrop(Engine pool) throws SQLException {
        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        assertThrows(SQLException.class, first::detach);
        return (Entry) second.entry();
    }

    private static Entry leakedEntry(Engine pool) throws SQLException {
        Entry entry = checkoutAndDrop(pool);
        checkoutAndDrop(pool);
        return entry;
    }

    private static LeakDetector.Tracker trackerOf(Entry entry, boolean collected) {
        LeakDetector.Tracker tracker = entry.tracker();
        if (collected) {
            assertTrue(GarbageCollection.collectUntil(() -> tracker.get() == null),
                    "the dropped handles were never collected");
        }
        return tracker;
    }

    private static Entry checkoutAndDrop(Engine pool) throws SQLException {
        return (Entry) pool.checkout().entry();
    }
}

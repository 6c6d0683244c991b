package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.settings;
import static org.poolkit.core.TestPools.stub;

import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Two holders of a shared entry set the auto-commit mode of the connection they share at once. The entry's record of
 * the mode is what the last checkin trusts to end a transaction and to restore the mode, so it must end up as the
 * driver's mode whichever way the holders' calls meet. The same goes for a holder still on a connection that another
 * holder invalidated and a joining checkout already replaced.
 */
class SharedAutoCommitRaceTest {

    private static final long BOUND_SECONDS = 10;

    private final StubDriver driver = new StubDriver();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A record of "off" that lands after B turned it on makes the checkin roll back in auto-commit mode, and fail. */
    @Test
    void aHolderTurningAutoCommitOffDoesNotRecordItOverAnotherTurningItOn() throws Exception {
        race(false, true);
    }

    /** A record of "on" that lands after B turned it off hides B's transaction from the checkin. */
    @Test
    void aHolderTurningAutoCommitOnDoesNotRecordItOverAnotherTurningItOff() throws Exception {
        race(true, false);
    }

    /**
     * Holder X invalidates the connection and its invalidate listener holds the close back; a joining checkout
     * connects anew meanwhile. Holder A, still on the old connection, changes it: neither the mode nor the isolation
     * it sets there may count for the new connection, whose default isolation must not be read from the old one.
     */
    @Test
    void aHolderOnAReplacedConnectionRecordsNothingForTheReplacement() throws Exception {
        Engine pool = OneSharedEntry.pool(driver, settings());
        CountDownLatch invalidating = new CountDownLatch(1);
        CountDownLatch closeGoesOn = new CountDownLatch(1);
        pool.addListener(new PoolEvents() {
            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                invalidating.countDown();
                awaitBounded(closeGoesOn);
            }
        });
        ProxiedConnection holderA = pool.checkout();
        ProxiedConnection holderX = pool.checkout();
        StubConnection replaced = stub(holderA);
        holderA.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        Future<?> x = threads.submit(() -> {
            holderX.invalidate();
            return null;
        });
        assertTrue(invalidating.await(BOUND_SECONDS, TimeUnit.SECONDS), "X never invalidated the connection");

        StubConnection replacement;
        try (ProxiedConnection joiner = pool.checkout()) {
            replacement = stub(joiner);
            assertNotSame(replaced, replacement);
            holderA.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            holderA.setAutoCommit(false);
            assertEquals(replacement.getAutoCommit(), ((Entry) joiner.entry()).autoCommit,
                    "the entry's record of the new connection's auto-commit mode");
            closeGoesOn.countDown();
            x.get(BOUND_SECONDS, TimeUnit.SECONDS);
            holderA.close();
        }
        assertFalse(replacement.isPhysicallyClosed(), "the last checkin failed to reset the new connection");
        assertEquals(Connection.TRANSACTION_READ_COMMITTED, replacement.getTransactionIsolation(),
                "the new connection's isolation after the last checkin");
    }

    /**
     * Holder A sets {@code modeOfA} and is held right after the driver's change; holder B, on another thread, sets
     * {@code modeOfB} and runs a statement; A goes on once B has finished or waits for A.
     */
    private void race(boolean modeOfA, boolean modeOfB) throws Exception {
        Engine pool = OneSharedEntry.pool(driver, settings());
        ProxiedConnection holderA = pool.checkout();
        ProxiedConnection holderB = pool.checkout();
        StubConnection shared = stub(holderA);
        Entry entry = (Entry) holderA.entry();
        CountDownLatch aChanged = new CountDownLatch(1);
        CountDownLatch aGoesOn = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean();
        shared.afterSetAutoCommit(() -> {
            if (first.compareAndSet(false, true)) {
                aChanged.countDown();
                awaitBounded(aGoesOn);
            }
        });

        Future<?> a = threads.submit(() -> {
            holderA.setAutoCommit(modeOfA);
            return null;
        });
        assertTrue(aChanged.await(BOUND_SECONDS, TimeUnit.SECONDS), "A never reached the driver");
        Future<?> b = threads.submit(() -> {
            holderB.setAutoCommit(modeOfB);
            execute(holderB);
            return null;
        });
        // B either finishes while A is held (A's record then comes last) or waits for A to finish first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (!b.isDone() && !entry.holders.lock.hasQueuedThreads()) {
            assertTrue(System.nanoTime() < deadline, "B neither finished nor waited for A");
            Thread.onSpinWait();
        }
        aGoesOn.countDown();
        a.get(BOUND_SECONDS, TimeUnit.SECONDS);
        b.get(BOUND_SECONDS, TimeUnit.SECONDS);
        shared.afterSetAutoCommit(null);

        assertEquals(shared.getAutoCommit(), entry.autoCommit, "the entry's record of the driver's auto-commit mode");
        holderA.close();
        holderB.close();
        assertFalse(shared.isPhysicallyClosed(), "the last checkin failed to reset the connection");
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(shared, stub(next));
            assertTrue(next.getAutoCommit(), "the next holder finds auto-commit as the connection was made");
            assertFalse(shared.inTransaction(), "the next holder inherits a transaction");
        }
    }

    private static void awaitBounded(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never let go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

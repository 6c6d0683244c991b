package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.stub;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.GarbageCollection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Connections their holders never close: a handle the garbage collector finds unreachable is taken back (reset and
 * pooled, as SQLAlchemy does for synchronous drivers), and with {@code leak.detection.threshold} a checkout held
 * too long is reported while still held, with the stack of its checkout.
 */
class LeakDetectionTest {

    private final StubDriver driver = new StubDriver();
    private final EventLog events = new EventLog();

    /** Checks out and drops the handle; in its own frame, so that no local variable keeps it reachable. */
    private static int checkoutAndDrop(Pool pool) throws SQLException {
        return stub(pool.checkout()).id();
    }

    /** Collects garbage until {@link Pool#status()}, which takes back collected handles, shows none checked out. */
    private static boolean collectUntilNothingIsCheckedOut(Pool pool) {
        return GarbageCollection.collectUntil(() -> pool.status().checkedOut() == 0);
    }

    /** Waits for a condition another thread brings about; bounded, and not a timing assertion. */
    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    private void assertDroppedHandleIsTakenBack(ConnectionCreator creator) throws SQLException {
        Pool pool = TestPools.create(creator);
        pool.addListener(events);
        int dropped = checkoutAndDrop(pool);
        events.take();

        assertTrue(collectUntilNothingIsCheckedOut(pool), "dropped handle never taken back: " + pool.status());

        assertEquals(List.of("reset(leaked)#" + dropped, "checkin#" + dropped), events.take());
        assertEquals(dropped, TestPools.cycle(pool).id(), "the taken-back connection is pooled again");
        assertEquals(1, driver.opened());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void droppedHandleIsResetAndPooledAfterGarbageCollection() throws SQLException {
        assertDroppedHandleIsTakenBack(driver);
    }

    @Test
    void droppedHandleIsTakenBackWhenNothingButTheHandleReferencesTheEntry() throws SQLException {
        // StubDriver's connections keep the entry they were made for; a real driver's do not.
        assertDroppedHandleIsTakenBack(ConnectionCreator.of(driver.asDataSource()));
    }

    @Test
    void droppedHandleOfAnInvalidatedEntryIsCheckedInWithoutReset() throws SQLException {
        Pool pool = TestPools.create(driver);
        pool.addListener(events);
        invalidateEntryAndDrop(pool);
        events.take();

        assertTrue(collectUntilNothingIsCheckedOut(pool), "dropped handle never taken back: " + pool.status());

        assertEquals(List.of("checkin#-"), events.take());
        assertCounts(pool, driver, 1, 0);
    }

    private static void invalidateEntryAndDrop(Pool pool) throws SQLException {
        pool.checkout().entry().invalidate(null);
    }

    /**
     * Checks out the replacement of a connection the checkout found dead, drops it, and asserts that the collector's
     * cleanup rolled it back and pooled it, as any leaked connection in a transaction.
     */
    private void assertDroppedReplacementIsRolledBackAndPooled(Pool pool) throws SQLException {
        int replacement = checkoutAndDrop(pool);

        assertTrue(collectUntilNothingIsCheckedOut(pool), "dropped handle never taken back: " + pool.status());

        StubConnection replaced = driver.connections().get(replacement - 1);
        assertEquals(List.of("rollback"), replaced.calls());
        assertSame(replaced, TestPools.cycle(pool), "pooled again");
    }

    /**
     * Behaviour 68: a checkout listener reports a pooled connection dead. That connection had its rollback at its
     * checkin and is now closed, nothing more; the holder's replacement, dropped without {@code close()}, is rolled
     * back and pooled like any other leaked connection.
     */
    @Test
    void connectionReplacedForACheckoutListenerIsClosedAndItsDroppedReplacementRolledBack() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = TestPools.create(driver);
        StubConnection flagged = TestPools.cycle(pool);
        pool.addListener(Listen.onCheckout((connection, entry) -> {
            if (connection == flagged) {
                throw new DisconnectionException("flagged as dead");
            }
        }));

        assertDroppedReplacementIsRolledBackAndPooled(pool);

        assertEquals(List.of("rollback", "close"), flagged.calls());
    }

    /**
     * Behaviour 75: a connection whose pre-ping fails is closed without a reset (its calls end with the failed ping
     * and the close), and its replacement, dropped without {@code close()}, gets exactly the rollback of a leaked
     * connection's reset.
     */
    @Test
    void connectionFailingItsPingIsClosedWithoutAResetAndItsDroppedReplacementRolledBack() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = TestPools.create(driver, TestPools.settings().withPrePing(true));
        StubConnection dead = TestPools.cycle(pool);
        TestPools.cycle(pool);
        dead.failIsValid(true);

        assertDroppedReplacementIsRolledBackAndPooled(pool);

        assertEquals(List.of("rollback", "isValid", "rollback", "isValid", "close"), dead.calls());
    }

    @Test
    void checkoutHeldPastTheThresholdIsReportedWithTheStackOfItsCheckout() throws SQLException {
        Pool pool = TestPools.create(driver, TestPools.settings().withLeakDetectionThreshold(Duration.ofMillis(50)));
        ProxiedConnection held = pool.checkout();
        Entry entry = (Entry) held.entry();
        LeakDetector.Checkout checkout = entry.checkout();

        assertTrue(eventually(checkout::reported), "held checkout not reported");

        assertTrue(Arrays.stream(checkout.stack().getStackTrace()).anyMatch(frame -> frame.getMethodName().equals(
                "checkoutHeldPastTheThresholdIsReportedWithTheStackOfItsCheckout")), "stack names the checkout");
        held.close();
        assertNull(entry.checkout());
        assertSame(driver.connections().get(0), stub(pool.checkout()), "a reported connection is pooled as usual");
    }

    @Test
    void withoutThresholdNoStackIsCaptured() throws SQLException {
        Pool pool = TestPools.create(driver);

        ProxiedConnection held = pool.checkout();

        assertNull(((Entry) held.entry()).checkout().stack());
    }
}

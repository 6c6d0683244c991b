package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.execute;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * What a checkout does when a listener fails it: a {@link DisconnectionException} from {@code checkout} replaces the
 * connection and tries again, {@value DisconnectionException#ATTEMPTS} attempts in all; any other failure
 * invalidates the connection and reaches the caller. Either way nothing is left open and the slot goes back.
 */
class CheckoutRetryTest {

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver);
    private final EventLog events = EventLog.on(pool);
    /** What the failing listener throws next; {@code null} once it stops failing. */
    private final AtomicReference<SQLException> failure = new AtomicReference<>();
    private final AtomicInteger calls = new AtomicInteger();

    /** A listener hook that counts its calls and throws {@link #failure} while it is set. */
    private Listen.Hook failing() {
        return (connection, entry) -> {
            calls.incrementAndGet();
            SQLException next = failure.get();
            if (next != null) {
                throw next;
            }
        };
    }

    private void failWith(SQLException error, PoolEvents listener) {
        failure.set(error);
        pool.addListener(listener);
    }

    private void assertCheckoutWorksOnceTheListenerStopsFailing() throws SQLException {
        failure.set(null);
        try (ProxiedConnection connection = pool.checkout()) {
            execute(connection);
        }
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void disconnectionEveryTimeGivesUpAfterTheDocumentedAttemptsWithNothingLeftOpen() throws SQLException {
        DisconnectionException dead = new DisconnectionException("listener says dead");
        failWith(dead, Listen.onCheckout(failing()));

        SQLException thrown = assertThrows(SQLException.class, pool::checkout);

        assertAll(() -> assertInstanceOf(SQLNonTransientConnectionException.class, thrown),
                () -> assertSame(dead, thrown.getCause()),
                () -> assertEquals(DisconnectionException.ATTEMPTS, calls.get(), "checkout listener calls"),
                () -> assertEquals(DisconnectionException.ATTEMPTS, driver.connectAttempts(), "creator calls"),
                () -> assertEquals(0, driver.open(), "driver connections left open"));
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void disconnectionEveryTimeFiresSqlAlchemysSequenceWithThreeAttempts() {
        failWith(new DisconnectionException("listener says dead"), Listen.onCheckout(failing()));

        assertThrows(SQLException.class, pool::checkout);

        assertEquals(List.of("firstConnect#1", "connect#1",
                "checkout#1", "invalidate#1", "close#1", "connect#2",
                "checkout#2", "invalidate#2", "close#2", "connect#3",
                "checkout#3", "invalidate#3", "close#3", "checkin#-"), events.take());
    }

    @Test
    void disconnectionOnceIsCuredByTheReplacementConnection() throws SQLException {
        pool.addListener(Listen.onCheckout((connection, entry) -> {
            if (((StubConnection) connection).id() == 1) {
                throw new DisconnectionException("first one is dead");
            }
        }));

        try (ProxiedConnection connection = pool.checkout()) {
            execute(connection);
            assertEquals(2, TestPools.stub(connection).id());
        }
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void slotGivenUpAfterTheAttemptsWorksOnceTheListenerStopsFailing() throws SQLException {
        failWith(new DisconnectionException("listener says dead"), Listen.onCheckout(failing()));
        assertThrows(SQLException.class, pool::checkout);

        assertCheckoutWorksOnceTheListenerStopsFailing();
    }

    @Test
    void plainSqlExceptionFromACheckoutListenerInvalidatesAndReachesTheCaller() throws SQLException {
        StubConnection first = TestPools.cycle(pool);
        SQLException refused = new SQLException("listener refuses");
        failWith(refused, Listen.onCheckout(failing()));
        events.take();

        assertSame(refused, assertThrows(SQLException.class, pool::checkout));

        assertEquals(1, calls.get(), "no retry for a plain exception");
        assertTrue(first.isPhysicallyClosed());
        assertEquals(List.of("checkout#1", "invalidate#1", "close#1", "checkin#-"), events.take());
        assertCounts(pool, driver, 1, 0);
        failure.set(null);
        assertEquals(2, TestPools.cycle(pool).id());
    }

    @Test
    void creatorFailureReachesTheCallerUnchangedWithNothingCounted() {
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);

        assertSame(down, assertThrows(SQLException.class, pool::checkout));

        assertEquals(List.of(), events.take(), "no event for a connect that failed");
        assertCounts(pool, driver, 0, 0);
    }

    @Test
    void connectListenerFailingOnANewEntryClosesTheNewConnection() {
        SQLException refused = new SQLException("connect listener refuses");
        failWith(refused, Listen.onConnect(failing()));

        assertSame(refused, assertThrows(SQLException.class, pool::checkout));

        assertEquals(1, driver.opened());
        assertEquals(0, driver.open(), "SQLAlchemy drops it open; we close it");
        assertCounts(pool, driver, 0, 0);
    }

    @Test
    void connectListenerFailingOnAReconnectReturnsTheSlotAndTheNextCheckoutWorks() throws SQLException {
        pool.checkout().invalidate();
        SQLException refused = new SQLException("connect listener refuses");
        failWith(refused, Listen.onConnect(failing()));

        assertSame(refused, assertThrows(SQLException.class, pool::checkout));
        assertEquals(0, driver.open());
        assertCounts(pool, driver, 1, 0);

        assertCheckoutWorksOnceTheListenerStopsFailing();
    }

    @Test
    void failedFirstConnectRunsAgainOnTheNextConnectAndThenNeverAgain() throws SQLException {
        SQLException refused = new SQLException("first connect refuses");
        failWith(refused, Listen.onFirstConnect(failing()));

        assertSame(refused, assertThrows(SQLException.class, pool::checkout));
        failure.set(null);
        pool.checkout();
        pool.checkout();

        assertEquals(2, calls.get(), "firstConnect calls");
        assertTrue(driver.connections().get(0).isPhysicallyClosed(), "the connection whose firstConnect failed");
    }

    @Test
    void firstConnectRunsOnceEvenWhenTheFirstConnectListenerFailed() throws SQLException {
        AtomicInteger firstConnects = new AtomicInteger();
        pool.addListener(Listen.onFirstConnect((connection, entry) -> firstConnects.incrementAndGet()));
        failWith(new SQLException("connect listener refuses"), Listen.onConnect(failing()));
        assertThrows(SQLException.class, pool::checkout);

        failure.set(null);
        pool.checkout();

        assertEquals(1, firstConnects.get(), "firstConnect succeeded the first time: once per pool");
    }
}

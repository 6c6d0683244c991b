package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubDriver;

/**
 * The event sequences SQLAlchemy's pool produces (research/sqlalchemy-pool.md §3, "Observed event sequences"), and
 * that {@link PoolEvents} promises, event for event.
 */
class EventOrderTest {

    private final StubDriver driver = new StubDriver();
    private final EventLog events = new EventLog();
    private Pool pool;

    @BeforeEach
    void listen() {
        pool = TestPools.create(driver);
        pool.addListener(events);
    }

    @Test
    void firstCheckoutFiresFirstConnectThenConnectThenCheckout() throws SQLException {
        pool.checkout();

        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1"), events.take());
    }

    @Test
    void closeFiresResetThenCheckin() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        events.take();

        connection.close();

        assertEquals(List.of("reset#1", "checkin#1"), events.take());
    }

    @Test
    void checkoutOfAPooledConnectionFiresOnlyCheckout() throws SQLException {
        TestPools.cycle(pool);
        events.take();

        pool.checkout();

        assertEquals(List.of("checkout#1"), events.take());
    }

    @Test
    void hardInvalidateFiresInvalidateCloseAndCheckinWithoutConnection() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        events.take();

        connection.invalidate();
        assertEquals(List.of("invalidate#1", "close#1", "checkin#-"), events.take());

        pool.checkout();
        assertEquals(List.of("connect#2", "checkout#2"), events.take());
    }

    @Test
    void softInvalidateDefersTheCloseToTheNextCheckout() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        events.take();

        connection.softInvalidate(null);
        assertEquals(List.of("softInvalidate#1"), events.take());
        connection.close();
        assertEquals(List.of("reset#1", "checkin#1"), events.take());
        pool.checkout();
        assertEquals(List.of("close#1", "connect#2", "checkout#2"), events.take());
    }

    @Test
    void failedResetFiresInvalidateCloseAndCheckinWithoutConnection() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.setAutoCommit(false);
        TestPools.stub(connection).failRollback(new SQLException("rollback failed", "08S01"));
        events.take();

        connection.close();
        assertEquals(List.of("reset#1", "invalidate#1", "close#1", "checkin#-"), events.take());

        pool.checkout();
        assertEquals(List.of("connect#2", "checkout#2"), events.take());
    }

    @Test
    void detachThenCloseFiresDetachThenTerminatingResetAndCloseDetached() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        events.take();

        connection.detach();
        assertEquals(List.of("detach#1"), events.take());
        connection.close();
        assertEquals(List.of("reset(terminateOnly)#1", "closeDetached#1"), events.take());
    }

    @Test
    void disposeFiresCloseForEachIdleConnection() throws SQLException {
        TestPools.cycle(pool);
        events.take();

        pool.dispose();

        assertEquals(List.of("close#1"), events.take());
    }

    @Test
    void firstConnectFiresOncePerPoolAndAgainOnTheRecreatedPool() throws SQLException {
        pool.checkout();
        pool.checkout();
        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "connect#2", "checkout#2"), events.take());

        pool.recreate().checkout();
        assertEquals(List.of("firstConnect#3", "connect#3", "checkout#3"), events.take());
    }

    /**
     * Behaviour 55 in the order the test above does not take: the copy is made before either pool connects, and each
     * pool still fires {@code firstConnect} and {@code connect} once.
     */
    @Test
    void firstConnectFiresOncePerPoolWhenThePoolIsRecreatedBeforeEitherConnects() throws SQLException {
        Pool copy = pool.recreate();

        pool.checkout();
        copy.checkout();

        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "firstConnect#2", "connect#2",
                "checkout#2"), events.take());
    }

    /**
     * Behaviour 56, as far as it applies: listeners run in the order they were added. SQLAlchemy's
     * {@code insert=True}, which puts a listener before the others, has no counterpart in {@link Pool#addListener}.
     */
    @Test
    void listenersRunInTheOrderTheyWereAdded() throws SQLException {
        List<String> order = new ArrayList<>();
        for (String name : List.of("one", "two", "three")) {
            pool.addListener(Listen.onConnect((connection, entry) -> order.add(name)));
        }

        pool.checkout();

        assertEquals(List.of("one", "two", "three"), order);
    }

    /** Behaviours 60 and 61: what invalidation listeners receive, with and without a reason. */
    @ParameterizedTest(name = "{0} invalidation, reason given: {1}")
    @CsvSource({"hard, false", "hard, true", "soft, false", "soft, true"})
    void invalidationListenersReceiveTheConnectionItsEntryAndTheReason(String kind, boolean withReason)
            throws SQLException {
        List<Object> received = new ArrayList<>();
        pool.addListener(new PoolEvents() {
            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                received.addAll(Arrays.asList("invalidate", connection, entry, reason));
            }

            @Override
            public void softInvalidate(Connection connection, PoolEntry entry, Throwable reason) {
                received.addAll(Arrays.asList("softInvalidate", connection, entry, reason));
            }
        });
        ProxiedConnection connection = pool.checkout();
        Connection driverConnection = TestPools.stub(connection);
        PoolEntry entry = connection.entry();
        SQLException reason = withReason ? new SQLException("why") : null;

        if (kind.equals("soft")) {
            connection.softInvalidate(reason);
        } else {
            connection.invalidate(reason);
        }

        String event = kind.equals("soft") ? "softInvalidate" : "invalidate";
        assertEquals(Arrays.asList(event, driverConnection, entry, reason), received);
    }

    @Test
    void removedListenerHearsNothingMore() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        pool.removeListener(events);
        events.take();

        connection.close();
        pool.checkout().invalidate();
        pool.dispose();

        assertEquals(List.of(), events.take());
    }

    @Test
    void listenerThrowingFromCheckinOrCloseIsIgnoredAndTheNextListenerStillHears() throws SQLException {
        Pool faulty = TestPools.create(driver);
        faulty.addListener(new ThrowingFromEveryNotification());
        faulty.addListener(events);

        ProxiedConnection held = faulty.checkout();
        TestPools.cycle(faulty);
        held.invalidate();
        assertCounts(faulty, driver, 2, 0);
        faulty.dispose();

        assertTrue(events.all().containsAll(List.of("checkin#2", "invalidate#1", "close#1", "checkin#-", "close#2")),
                events.all().toString());
        assertCounts(faulty, driver, 0, 0);
        assertEquals(0, driver.open());
    }

    /** Throws from every event whose exceptions the pool promises to log and ignore. */
    private static final class ThrowingFromEveryNotification implements PoolEvents {

        @Override
        public void checkin(Connection connection, PoolEntry entry) {
            throw new IllegalStateException("checkin listener failed");
        }

        @Override
        public void close(Connection connection, PoolEntry entry) {
            throw new IllegalStateException("close listener failed");
        }

        @Override
        public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
            throw new IllegalStateException("invalidate listener failed");
        }
    }
}

package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Hard and soft invalidation, by the holder, by a listener and by a driver error that says the connection is dead;
 * and what a handle does once it is closed or invalidated.
 */
class InvalidationTest {

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver);

    /** A JDBC call on a handle, for the table of calls a dead handle must refuse. */
    @FunctionalInterface
    interface Call {
        void on(Connection connection) throws SQLException;
    }

    @Test
    void hardInvalidateClosesTheConnectionNowAndTheEntryReconnectsAtItsNextCheckout() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection invalidated = stub(connection);
        PoolEntry entry = connection.entry();

        connection.invalidate();

        assertTrue(invalidated.isPhysicallyClosed());
        assertTrue(connection.isInvalidated());
        assertCounts(pool, driver, 1, 0);
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry());
            assertNotSame(invalidated, stub(next));
        }
    }

    @Test
    void reconnectEmptiesInfoButKeepsEntryInfo() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.info().put("session", "first");
        connection.entry().entryInfo().put("slot", "kept");

        connection.invalidate();

        try (ProxiedConnection next = pool.checkout()) {
            assertEquals(Map.of(), next.info());
            assertEquals(Map.of("slot", "kept"), next.entry().entryInfo());
        }
    }

    /** Behaviour 40: a fresh checkout's info is empty, and is its entry's own map rather than a copy. */
    @Test
    void freshCheckoutHasEmptyInfoThatIsItsEntrysOwnMap() throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            assertEquals(Map.of(), connection.info());
            assertSame(connection.entry().info(), connection.info());
        }
    }

    /**
     * Behaviour 95: the creator is given the entry it connects for, on the first connect and again on each reconnect,
     * so that it can keep what it needs in the entry's entryInfo. SQLAlchemy's creator without an argument is
     * {@link org.poolkit.api.ConnectionCreator#of}, which LeakDetectionTest checks out through; a creator swapped at
     * runtime has no counterpart, a pool's creator being fixed.
     */
    @Test
    void creatorIsGivenTheEntryItConnectsForAgainOnEachReconnect() throws SQLException {
        List<PoolEntry> connectedFor = new ArrayList<>();
        Pool remembering = TestPools.create(entry -> {
            connectedFor.add(entry);
            entry.entryInfo().merge("connects", 1, (count, one) -> (Integer) count + (Integer) one);
            return driver.create(entry);
        });
        ProxiedConnection connection = remembering.checkout();
        PoolEntry entry = connection.entry();
        connection.invalidate();

        try (ProxiedConnection next = remembering.checkout()) {
            assertSame(entry, next.entry());
        }

        assertEquals(List.of(entry, entry), connectedFor);
        assertEquals(2, entry.entryInfo().get("connects"));
    }

    @Test
    void infoLivesAsLongAsTheDriverConnection() throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            connection.info().put("session", "first");
        }

        try (ProxiedConnection again = pool.checkout()) {
            assertEquals(Map.of("session", "first"), again.info());
        }
    }

    @Test
    void invalidatingTwiceIsHarmless() throws SQLException {
        EventLog events = EventLog.on(pool);
        ProxiedConnection connection = pool.checkout();
        events.take();

        connection.invalidate();
        connection.invalidate(new SQLException("again"));
        connection.close();

        assertEquals(List.of("invalidate#1", "close#1", "checkin#-"), events.take());
        assertEquals(1, driver.closed());
        assertCounts(pool, driver, 1, 0);
    }

    /**
     * Behaviour 31, SQLAlchemy's "Double checkin attempted": its {@code record.checkin()} is not public here. What a
     * holder can do is close or invalidate its handle again after the entry went to a new holder; that must neither
     * check the entry in a second time nor touch the new holder's connection.
     */
    @Test
    void closingOrInvalidatingAStaleHandleLeavesTheEntrysNewHolderAlone() throws SQLException {
        EventLog events = EventLog.on(pool);
        ProxiedConnection stale = pool.checkout();
        stale.close();
        ProxiedConnection holder = pool.checkout();
        events.take();

        stale.close();
        stale.invalidate();
        stale.softInvalidate(null);

        assertEquals(List.of(), events.take());
        assertFalse(holder.isInvalidated());
        assertNotNull(holder.entry());
        assertTrue(holder.entry().isCheckedOut());
        execute(holder);
        assertCounts(pool, driver, 0, 1);
    }

    /**
     * Behaviour 43, SQLAlchemy's {@code record.close()} then {@code get_connection()}: a {@link PoolEntry} has no
     * {@code close()}; its {@code invalidate} is how an idle entry loses its connection. The connection is closed
     * once, and the entry's next checkout opens a new one that nothing has touched yet.
     */
    @Test
    void invalidatingAnIdleEntryClosesItsConnectionOnceAndItsNextCheckoutConnectsAnew() throws SQLException {
        PoolEntry entry;
        StubConnection first;
        try (ProxiedConnection connection = pool.checkout()) {
            entry = connection.entry();
            first = stub(connection);
        }

        entry.invalidate(null);

        assertEquals(1, first.closes());
        assertNull(entry.connection());
        assertCounts(pool, driver, 1, 0);
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry());
            assertEquals(2, stub(next).id());
            assertEquals(List.of(), stub(next).calls());
        }
        assertEquals(1, first.closes());
    }

    static Stream<Arguments> callsADeadHandleRefuses() {
        return Stream.of(
                call("createStatement", Connection::createStatement),
                call("prepareStatement", connection -> connection.prepareStatement("SELECT 1")),
                call("prepareCall", connection -> connection.prepareCall("CALL p()")),
                call("getAutoCommit", Connection::getAutoCommit),
                call("setAutoCommit", connection -> connection.setAutoCommit(false)),
                call("commit", Connection::commit),
                call("rollback", Connection::rollback),
                call("setTransactionIsolation", connection -> connection.setTransactionIsolation(
                        Connection.TRANSACTION_SERIALIZABLE)),
                call("setReadOnly", connection -> connection.setReadOnly(true)),
                call("getMetaData", Connection::getMetaData),
                call("setClientInfo", connection -> connection.setClientInfo("ApplicationName", "test")),
                call("unwrap", connection -> connection.unwrap(StubConnection.class)),
                call("detach", connection -> ((ProxiedConnection) connection).detach()));
    }

    private static Arguments call(String name, Call call) {
        return Arguments.of(name, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsADeadHandleRefuses")
    void closedHandleRefusesCallsWith08003(String name, Call call) throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.close();

        assertEquals("08003", assertThrows(SQLException.class, () -> call.on(connection)).getSQLState());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsADeadHandleRefuses")
    void invalidatedHandleRefusesCallsWith08003(String name, Call call) throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.invalidate();

        assertEquals("08003", assertThrows(SQLException.class, () -> call.on(connection)).getSQLState());
    }

    @Test
    void closedHandleAnswersIsClosedAndIsValidAsJdbcRequires() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.close();

        assertTrue(connection.isClosed());
        assertFalse(connection.isValid(1));
        assertNull(connection.entry());
    }

    @Test
    void abortByTheHolderInvalidatesAndChecksIn() throws SQLException {
        EventLog events = EventLog.on(pool);
        ProxiedConnection connection = pool.checkout();
        StubConnection aborted = stub(connection);
        events.take();

        connection.abort(Runnable::run);

        assertTrue(aborted.isPhysicallyClosed());
        assertTrue(connection.isInvalidated());
        assertEquals(List.of("invalidate#1", "close#1", "checkin#-"), events.take());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void closingAClosedHandleDoesNothing() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        connection.close();

        connection.close();

        assertTrue(connection.isClosed());
        assertFalse(driverConnection.isPhysicallyClosed());
        assertEquals(0, driverConnection.closes());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void softInvalidatedConnectionStaysUsableUntilCloseAndIsReplacedAtTheNextCheckout() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection marked = stub(connection);

        connection.softInvalidate(null);

        execute(connection);
        assertFalse(marked.isPhysicallyClosed());
        connection.close();
        assertFalse(marked.isPhysicallyClosed(), "soft invalidation closes at the next checkout, not at checkin");
        StubConnection next = TestPools.cycle(pool);
        assertNotSame(marked, next);
        assertTrue(marked.isPhysicallyClosed());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void disconnectErrorFromAStatementInvalidatesTheConnectionAndReachesTheHolder() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection dying = stub(connection);
        Statement statement = connection.createStatement();
        dying.kill();

        SQLException thrown = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1"));

        assertAll(() -> assertInstanceOf(SQLNonTransientConnectionException.class, thrown),
                () -> assertEquals("08006", thrown.getSQLState()),
                () -> assertTrue(thrown.getMessage().contains("killed"), thrown.getMessage()));
        assertTrue(connection.isInvalidated());
        assertTrue(dying.isPhysicallyClosed());
        assertCounts(pool, driver, 1, 0);
        statement.close();
        connection.close();
        assertNotSame(dying, TestPools.cycle(pool));
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void holderGetsTheDriversOwnDisconnectExceptionInstance() throws SQLException {
        SQLException lost = new SQLException("communication link failure", "08S01");
        ProxiedConnection connection = pool.checkout();
        stub(connection).failExecuteWith(lost);

        assertSame(lost, assertThrows(SQLException.class, () -> execute(connection)));
        assertTrue(connection.isInvalidated());
    }

    @Test
    void disconnectErrorAlsoReplacesEveryOlderIdleConnection() throws SQLException {
        ProxiedConnection first = pool.checkout();
        StubConnection idle = TestPools.cycle(pool);
        stub(first).kill();

        assertThrows(SQLException.class, () -> execute(first));

        StubConnection reconnected = stub(pool.checkout());
        StubConnection replacement = stub(pool.checkout());
        assertTrue(idle.isPhysicallyClosed(), "older idle connection closed");
        assertEquals(List.of(3, 4), List.of(reconnected.id(), replacement.id()));
    }

    @Test
    void connectionOnlyDisconnectReplacesThatConnectionAndLeavesTheOlderIdleOnesPooled() throws SQLException {
        ProxiedConnection first = pool.checkout();
        StubConnection idle = TestPools.cycle(pool);
        SocketTimeoutException ownTimeout = new SocketTimeoutException("Read timed out");
        stub(first).failExecuteWith(new SQLException("I/O error", "08006", ownTimeout));

        assertThrows(SQLException.class, () -> execute(first));

        assertTrue(first.isInvalidated(), "the connection the error came from is invalidated");
        List<StubConnection> next = List.of(stub(pool.checkout()), stub(pool.checkout()));
        assertTrue(next.contains(idle), "an older idle connection was replaced although only one connection died");
        assertFalse(idle.isPhysicallyClosed());
        assertCounts(pool, driver, 0, 2);
    }

    @Test
    void serverGoneDisconnectFromPostgresqlReplacesEveryOlderIdleConnection() throws SQLException {
        ProxiedConnection first = pool.checkout();
        StubConnection idle = TestPools.cycle(pool);
        stub(first).failExecuteWith(new SQLException("terminating connection due to administrator command", "57P01"));

        assertThrows(SQLException.class, () -> execute(first));

        List<StubConnection> next = List.of(stub(pool.checkout()), stub(pool.checkout()));
        assertFalse(next.contains(idle), "an idle connection older than the server's departure was handed out");
        assertTrue(idle.isPhysicallyClosed());
        assertCounts(pool, driver, 0, 2);
    }

    @Test
    void statementErrorThatIsNoDisconnectLeavesTheConnectionAlone() throws SQLException {
        SQLException syntax = new SQLException("syntax error", "42000");
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        driverConnection.failExecuteWith(syntax);

        assertSame(syntax, assertThrows(SQLException.class, () -> execute(connection)));

        assertFalse(connection.isInvalidated());
        driverConnection.failExecuteWith(null);
        execute(connection);
        connection.close();
        assertSame(driverConnection, TestPools.cycle(pool));
    }

    @Test
    void checkoutListenerInvalidatingTheEntryMakesTheCheckoutReconnect() throws SQLException {
        EventLog events = new EventLog();
        pool.addListener(Listen.onCheckout((connection, entry) -> {
            if (((StubConnection) connection).id() == 1) {
                entry.invalidate(new SQLException("listener says no"));
            }
        }));
        pool.addListener(events);

        ProxiedConnection connection = pool.checkout();
        assertEquals(2, stub(connection).id(), "the holder gets a working connection, not the invalidated one");
        execute(connection);
        connection.close();

        assertEquals(List.of("firstConnect#1", "connect#1", "invalidate#1", "close#1", "checkout#1", "connect#2",
                "checkout#2", "reset#2", "checkin#2"), events.take());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void entryInvalidatedWhileHeldShowsOnTheHandle() throws SQLException {
        ProxiedConnection connection = pool.checkout();

        connection.entry().invalidate(null);

        assertTrue(connection.isInvalidated(), "the handle's connection was invalidated while it was held");
    }

    @Test
    void entryInvalidatedWhileHeldDoesNotInvalidateThePool() throws SQLException {
        ProxiedConnection held = pool.checkout();
        StubConnection idle = TestPools.cycle(pool);
        held.entry().invalidate(null);

        // The pool closed this connection itself: its 08003 says nothing about the server.
        assertThrows(SQLException.class, () -> execute(held));

        held.close();
        assertTrue(List.of(stub(pool.checkout()), stub(pool.checkout())).contains(idle),
                "an explicit invalidation of one entry replaced the other idle connection too");
    }
}

package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * {@link ProxiedConnection#detach()}: the driver connection leaves the pool for good, the entry goes back empty, and
 * the handle becomes the connection's only owner, which its {@code close()} resets and closes.
 */
class DetachTest {

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver);

    @Test
    void detachGivesTheEntryBackAndThePoolForgetsTheConnection() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        PoolEntry entry = connection.entry();

        connection.detach();

        assertTrue(connection.isDetached());
        assertNull(connection.entry());
        assertFalse(entry.isCheckedOut());
        PoolStatus status = pool.status();
        assertEquals(List.of(1, 0, 0), List.of(status.checkedIn(), status.checkedOut(), status.open()),
                "idle, checked out, open: a detached connection is not the pool's");
        assertEquals(1, driver.open(), "and stays open until its holder closes it");
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry());
            assertNotSame(stub(connection), stub(next));
        }
    }

    @Test
    void detachedHandleKeepsWorking() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.detach();

        execute(connection);
        connection.setReadOnly(true);

        assertFalse(connection.isClosed());
        assertTrue(stub(connection).isReadOnly());
    }

    @Test
    void closingADetachedHandleRollsBackAndClosesTheDriverConnectionOnce() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        connection.setAutoCommit(false);
        connection.detach();
        execute(connection);

        connection.close();
        connection.close();

        assertEquals(1, driverConnection.rollbacks());
        assertEquals(1, driverConnection.closes());
        assertTrue(driverConnection.isPhysicallyClosed());
        assertEquals(0, driver.open());
    }

    /**
     * Whether a transaction may be open is the driver's to say at close: a mode recorded at detach would miss what the
     * holder did to the connection itself, or what other holders of a shared one did before it became the only one.
     */
    @Test
    void closingADetachedHandleRollsBackATransactionTheDriverConnectionWasPutInDirectly() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        connection.detach();
        connection.unwrap(StubConnection.class).setAutoCommit(false);
        execute(connection);

        connection.close();

        assertEquals(1, driverConnection.rollbacks());
        assertTrue(driverConnection.isPhysicallyClosed());
    }

    @Test
    void closingADetachedHandleInAutoCommitModeDoesNotRollBack() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        connection.detach();

        connection.close();

        assertEquals(0, driverConnection.rollbacks());
        assertTrue(driverConnection.isPhysicallyClosed());
    }

    @Test
    void closingADetachedHandleFiresCloseDetachedAndNoCheckin() throws SQLException {
        EventLog events = EventLog.on(pool);
        ProxiedConnection connection = pool.checkout();
        connection.detach();
        events.take();

        connection.close();

        assertEquals(List.of("reset(terminateOnly)#1", "closeDetached#1"), events.take());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void detachedHandleKeepsACopyOfInfo() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        PoolEntry entry = connection.entry();
        entry.info().put("session", "mine");

        connection.detach();
        connection.info().put("later", "only mine");

        assertEquals(Map.of("session", "mine", "later", "only mine"), connection.info());
        assertFalse(entry.info().containsKey("later"));
        try (ProxiedConnection next = pool.checkout()) {
            assertEquals(Map.of(), next.info(), "the entry's next connection starts with empty info");
        }
        assertEquals("mine", connection.info().get("session"));
    }

    /**
     * Behaviour 41: entryInfo belongs to the entry, not to its connection. A detached handle no longer reaches it,
     * and the entry's next checkout still finds it.
     */
    @Test
    void entryInfoStaysWithTheEntryWhenItsConnectionIsDetached() throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            connection.entry().entryInfo().put("slot", "kept");
        }
        ProxiedConnection connection = pool.checkout();
        assertEquals(Map.of("slot", "kept"), connection.entry().entryInfo(), "kept across checkin");

        connection.detach();

        assertNull(connection.entry());
        try (ProxiedConnection next = pool.checkout()) {
            assertEquals(Map.of("slot", "kept"), next.entry().entryInfo());
        }
    }

    @Test
    void statementsOfADetachedConnectionStayOpenUntilItsHolderClosesThem() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.createStatement();
        StubConnection driverConnection = stub(connection);

        connection.detach();
        TestPools.cycle(pool);

        assertEquals(1, driverConnection.openStatements());
    }

    @Test
    void detachingAnInvalidatedHandleFailsWith08003() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.invalidate();

        assertEquals("08003", assertThrows(SQLException.class, connection::detach).getSQLState());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void detachingAHandleWhoseEntryWasInvalidatedFailsWith08003AndGivesTheSlotBack() throws SQLException {
        ProxiedConnection connection = pool.checkout();
        connection.entry().invalidate(null);

        assertEquals("08003", assertThrows(SQLException.class, connection::detach).getSQLState());
        connection.close();

        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void anErrorFromADetachListenerStillLeavesTheHandleOwningTheConnection() throws SQLException {
        pool.addListener(new PoolEvents() {
            @Override
            public void detach(Connection connection, PoolEntry entry) {
                throw new AssertionError("detach listener broke");
            }
        });
        ProxiedConnection connection = pool.checkout();
        StubConnection detachedConnection = stub(connection);

        assertThrows(AssertionError.class, connection::detach);
        assertTrue(connection.isDetached());
        ProxiedConnection next = pool.checkout();
        connection.close();

        assertEquals(1, detachedConnection.closes(), "the holder's close() closes the connection it detached");
        assertTrue(next.entry().isCheckedOut(), "and does not check in the entry another holder now has");
        assertEquals(1, pool.status().checkedOut());
        next.close();
        assertCounts(pool, driver, 1, 0);
    }
}

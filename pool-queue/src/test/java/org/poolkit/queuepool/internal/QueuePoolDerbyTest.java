package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetStyle;
import org.poolkit.core.Pools;

/**
 * The queue strategy inside the real engine on embedded Derby: what a user relies on when the pool sits between
 * the application and a real driver — transactions really end at checkin, connection state really comes back,
 * statements and locks do not outlive the holder, and a dead connection is replaced without the caller noticing.
 *
 * <p>Each test has its own in-memory database, dropped afterwards. Derby's lock timeout is set to 2 s in every
 * database, so that a lock the pool failed to release fails a test quickly instead of hanging it for a minute.
 * Rows are checked from other pooled connections and, where it matters, from a connection opened outside the pool.
 */
class QueuePoolDerbyTest {

    private String url;
    private Pool pool;

    @BeforeEach
    void createDatabase(TestInfo test) throws SQLException {
        String method = test.getTestMethod().map(m -> m.getName()).orElse("test");
        url = "jdbc:derby:memory:poolkit-queue-" + method + "-" + UUID.randomUUID();
        try (Connection setup = DriverManager.getConnection(url + ";create=true");
                Statement statement = setup.createStatement()) {
            statement.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', '2')");
            statement.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40))");
            statement.execute("CREATE SCHEMA other");
            statement.execute("CREATE TABLE other.marker (id INT)");
            statement.execute("INSERT INTO other.marker VALUES (1)");
        }
    }

    @AfterEach
    void dropDatabase() {
        if (pool != null) {
            pool.dispose();
        }
        // Derby reports a successful drop of an in-memory database as SQLState 08006.
        SQLException dropped = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + ";drop=true"));
        assertEquals("08006", dropped.getSQLState(), () -> "dropping " + url + ": " + dropped);
    }

    // ---- reset on return

    @Test
    void rollbackResetDiscardsUncommittedRowsForEveryLaterHolder() throws SQLException {
        pool = create(settings().withPoolSize(2).withMaxOverflow(0));
        Connection holderPhysical;
        try (ProxiedConnection holder = pool.checkout()) {
            holderPhysical = physical(holder);
            holder.setAutoCommit(false);
            insertItems(holder, 3);
            assertEquals(3, countItems(holder), "the holder sees its own uncommitted rows");
        }

        try (ProxiedConnection first = pool.checkout(); ProxiedConnection second = pool.checkout()) {
            assertNotSame(physical(first), physical(second), "two holders, two physical connections");
            assertTrue(physical(first) == holderPhysical || physical(second) == holderPhysical,
                    "one of them is the connection the rows were inserted on");
            assertEquals(0, countItems(first));
            assertEquals(0, countItems(second));
        }
        assertEquals(0, countItemsOutsideThePool());
    }

    @Test
    void commitResetCommitsWhatTheHolderLeftUncommitted() throws SQLException {
        pool = create(settings().withPoolSize(2).withMaxOverflow(0).withResetOnReturn(ResetStyle.COMMIT));
        Connection holderPhysical;
        try (ProxiedConnection holder = pool.checkout()) {
            holderPhysical = physical(holder);
            holder.setAutoCommit(false);
            insertItems(holder, 3);
        }

        try (ProxiedConnection first = pool.checkout(); ProxiedConnection second = pool.checkout()) {
            assertNotSame(physical(first), physical(second), "two holders, two physical connections");
            assertTrue(physical(first) == holderPhysical || physical(second) == holderPhysical,
                    "one of them is the connection the rows were inserted on");
            assertEquals(3, countItems(first));
            assertEquals(3, countItems(second));
            assertTrue(first.getAutoCommit(), "auto-commit is back on after the reset");
        }
        assertEquals(3, countItemsOutsideThePool());
    }

    @Test
    void noneResetInAutoCommitModeLeavesTheDriverAlone() throws SQLException {
        List<String> calls = new CopyOnWriteArrayList<>();
        ConnectionCreator recording = entry -> recording(DriverManager.getConnection(url), calls);
        pool = Pools.create("queue", recording,
                settings().withPoolSize(1).withMaxOverflow(0).withResetOnReturn(ResetStyle.NONE));

        Connection holderPhysical;
        try (ProxiedConnection holder = pool.checkout()) {
            holderPhysical = physical(holder);
            assertTrue(holder.getAutoCommit());
            insertItems(holder, 3);
            assertEquals(3, countItemsOutsideThePool(), "the driver committed each statement as it ran");
            calls.clear();
        }
        assertEquals(List.of(), calls, "checkin made no call at all on the driver connection");

        try (ProxiedConnection next = pool.checkout()) {
            assertSame(holderPhysical, physical(next), "the same connection was pooled, not replaced");
            assertTrue(next.getAutoCommit());
            assertEquals(3, countItems(next));
        }
        assertEquals(3, countItemsOutsideThePool());
    }

    // ---- state restore

    @Test
    void checkinRestoresIsolationReadOnlySchemaAndAutoCommit() throws SQLException {
        pool = create(settings().withPoolSize(1).withMaxOverflow(0));
        Connection holderPhysical;
        try (ProxiedConnection holder = pool.checkout()) {
            holderPhysical = physical(holder);
            holder.setAutoCommit(false);
            holder.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            holder.setReadOnly(true);
            holder.setSchema("OTHER");
            // The driver really took them: read back from Derby itself, not from the pool's bookkeeping.
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, holderPhysical.getTransactionIsolation());
            assertTrue(holderPhysical.isReadOnly());
            assertEquals("OTHER", holderPhysical.getSchema());
            assertFalse(holderPhysical.getAutoCommit());
            // Derby names JDBC's SERIALIZABLE "RR" (repeatable read) and READ_COMMITTED "CS" (cursor stability).
            assertEquals("RR", valueOf(holder, "VALUES CURRENT ISOLATION"));
            assertEquals("1", valueOf(holder, "SELECT COUNT(*) FROM marker"), "unqualified names resolve to OTHER");
        }

        try (ProxiedConnection next = pool.checkout()) {
            assertSame(holderPhysical, physical(next), "pool.size 1, max.overflow 0: the same physical connection");
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, next.getTransactionIsolation());
            assertFalse(next.isReadOnly());
            assertEquals("APP", next.getSchema());
            assertTrue(next.getAutoCommit());
            assertEquals("CS", valueOf(next, "VALUES CURRENT ISOLATION"));
            assertEquals("APP", valueOf(next, "VALUES CURRENT SCHEMA"));
            insertItems(next, 1);
            assertEquals(1, countItemsOutsideThePool(), "writable again, in APP, and auto-committed");
        }
    }

    // ---- statements and locks

    @Test
    void statementsAndResultSetsLeftOpenAreClosedAtCheckin() throws SQLException {
        pool = create(settings().withPoolSize(1).withMaxOverflow(0));
        try (Connection seed = DriverManager.getConnection(url)) {
            insertItems(seed, 2);
        }
        Statement statement;
        ResultSet rows;
        PreparedStatement prepared;
        Connection holderPhysical;
        try (ProxiedConnection holder = pool.checkout()) {
            holderPhysical = physical(holder);
            statement = holder.createStatement();
            rows = statement.executeQuery("SELECT id FROM items ORDER BY id");
            assertTrue(rows.next(), "a cursor left open in the middle of its rows");
            prepared = holder.prepareStatement("SELECT name FROM items WHERE id = ?");
            prepared.setInt(1, 1);
            prepared.executeQuery();
            assertFalse(statement.isClosed());
            assertFalse(prepared.isClosed());
            assertFalse(rows.isClosed());
        }

        assertTrue(statement.isClosed());
        assertTrue(prepared.isClosed());
        assertTrue(rows.isClosed(), "the driver closed the result set with its statement");
        assertThrows(SQLException.class, () -> statement.executeQuery("SELECT id FROM items"));
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(holderPhysical, physical(next));
            assertEquals(2, countItems(next), "the connection itself is fine");
        }
    }

    @Test
    void rollbackResetReleasesTheLocksTheHolderTook() throws SQLException {
        pool = create(settings().withPoolSize(2).withMaxOverflow(0));
        try (Connection seed = DriverManager.getConnection(url)) {
            insertItems(seed, 1);
        }
        try (ProxiedConnection other = pool.checkout()) {
            ProxiedConnection holder = pool.checkout();
            assertNotSame(physical(holder), physical(other));
            holder.setAutoCommit(false);
            assertEquals(1, update(holder, "held"));

            // The lock is real and the timeout short: while the holder has the row, the other connection gives up.
            assertThrows(SQLTransactionRollbackException.class, () -> update(other, "blocked"));

            holder.close();
            // Under READ_COMMITTED even this read would wait for the holder's exclusive lock; it sees the old name.
            assertEquals("item 1", valueOf(other, "SELECT name FROM items WHERE id = 1"), "the update was undone");
            assertEquals(1, update(other, "after"), "the row lock went with the reset");
        }
        try (Connection outside = DriverManager.getConnection(url)) {
            assertEquals("after", valueOf(outside, "SELECT name FROM items WHERE id = 1"));
        }
    }

    // ---- a closed handle

    @Test
    void closedHandleIgnoresCloseAndRefusesEverythingElse() throws SQLException {
        pool = create(settings().withPoolSize(1).withMaxOverflow(0).withTimeout(Duration.ZERO));
        ProxiedConnection handle = pool.checkout();
        Connection holderPhysical = physical(handle);
        handle.close();

        handle.close();
        assertTrue(handle.isClosed());
        assertEquals("08003", assertThrows(SQLException.class, handle::createStatement).getSQLState());
        assertEquals("08003",
                assertThrows(SQLException.class, () -> handle.prepareStatement("VALUES 1")).getSQLState());
        assertEquals("08003", assertThrows(SQLException.class, handle::getAutoCommit).getSQLState());
        assertEquals("08003", assertThrows(SQLException.class, handle::commit).getSQLState());
        assertFalse(holderPhysical.isClosed(), "closing the handle twice did not close the physical connection");

        // The second close() did not check the entry in twice: there is still exactly one connection to hand out.
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(holderPhysical, physical(next));
            assertEquals(0, countItems(next));
            assertThrows(PoolTimeoutException.class, pool::checkout);
        }
        assertEquals(0, pool.status().checkedOut());
        assertEquals(1, pool.status().checkedIn());
    }

    // ---- pre-ping

    @Test
    void prePingReplacesAConnectionClosedBehindThePoolsBack() throws SQLException {
        pool = create(settings().withPoolSize(1).withMaxOverflow(0).withPrePing(true));
        Events events = new Events();
        pool.addListener(events);

        for (int i = 0; i < 3; i++) {
            try (ProxiedConnection connection = pool.checkout()) {
                assertEquals(0, countItems(connection));
            }
        }
        assertEquals(1, events.connected.size(), "pre-ping of a live connection keeps it");

        // Twice in a row, as when the database restarts twice: the second death must be caught as the first was,
        // though the connection it kills was itself opened by the previous checkout.
        for (int death = 1; death <= 2; death++) {
            Connection dead = events.connected.get(death - 1);
            dead.close();
            assertTrue(dead.isClosed());

            try (ProxiedConnection connection = pool.checkout()) {
                insertItem(connection, death);
                assertEquals(death, countItems(connection));
                assertEquals(death + 1, events.connected.size(), "one new physical connection per death");
                assertSame(events.connected.get(death), physical(connection));
                assertNotSame(dead, physical(connection));
            }
            assertEquals(death, events.invalidated.get());
            assertEquals(death, events.closed.get());
            assertEquals(1, pool.status().open());
            assertEquals(0, pool.status().checkedOut());
        }

        try (ProxiedConnection connection = pool.checkout()) {
            assertSame(events.connected.get(2), physical(connection), "the replacement is pooled like any other");
        }
        assertEquals(3, events.connected.size());
        assertEquals(2, countItemsOutsideThePool());
    }

    // ---- invalidation

    @Test
    void aConnectionInvalidatedByItsHolderIsReplacedAtTheNextCheckoutEveryTime() throws SQLException {
        pool = create(settings().withPoolSize(1).withMaxOverflow(0));
        Events events = new Events();
        pool.addListener(events);

        for (int round = 1; round <= 3; round++) {
            ProxiedConnection connection = pool.checkout();
            assertEquals(round, events.connected.size(), "round " + round + " opened a new physical connection");
            Connection driver = physical(connection);
            insertItem(connection, round);
            connection.invalidate();
            assertTrue(connection.isClosed());
            assertTrue(driver.isClosed(), "hard invalidation closes the driver connection at once");
            assertEquals(0, pool.status().open());
        }
        assertEquals(3, events.invalidated.get());
        assertEquals(3, countItemsOutsideThePool(), "each holder's auto-committed row stayed");
    }

    // ---- helpers

    private PoolSettings settings() {
        return PoolSettings.defaults().withName("derby").withTimeout(Duration.ofSeconds(5));
    }

    private Pool create(PoolSettings settings) {
        String database = url;
        return Pools.create("queue", entry -> DriverManager.getConnection(database), settings);
    }

    /** The driver connection behind a handle; the test's own look, never the holder's. */
    private static Connection physical(ProxiedConnection handle) {
        PoolEntry entry = handle.entry();
        assertNotNull(entry, "an open handle has an entry");
        Connection driver = entry.connection();
        assertNotNull(driver, "an open handle's entry has a connection");
        return driver;
    }

    private static void insertItems(Connection connection, int count) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
            for (int id = 1; id <= count; id++) {
                insert.setInt(1, id);
                insert.setString(2, "item " + id);
                insert.executeUpdate();
            }
        }
    }

    private static void insertItem(Connection connection, int id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, "item " + id);
            insert.executeUpdate();
        }
    }

    private static int update(Connection connection, String name) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE items SET name = ? WHERE id = 1")) {
            update.setString(1, name);
            return update.executeUpdate();
        }
    }

    private static int countItems(Connection connection) throws SQLException {
        return Integer.parseInt(valueOf(connection, "SELECT COUNT(*) FROM items"));
    }

    private int countItemsOutsideThePool() throws SQLException {
        try (Connection outside = DriverManager.getConnection(url)) {
            return countItems(outside);
        }
    }

    private static String valueOf(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertTrue(result.next(), sql + " returned no row");
            return result.getString(1).trim();
        }
    }

    /** A driver connection that logs the name of every method called on it, to see what the pool does to it. */
    private static Connection recording(Connection real, List<String> calls) {
        return (Connection) Proxy.newProxyInstance(QueuePoolDerbyTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Counts the events the pre-ping test cares about and keeps every driver connection the pool opened. */
    private static final class Events implements PoolEvents {

        final List<Connection> connected = new CopyOnWriteArrayList<>();
        final AtomicInteger invalidated = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void connect(Connection connection, PoolEntry entry) {
            connected.add(connection);
        }

        @Override
        public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
            invalidated.incrementAndGet();
        }

        @Override
        public void close(Connection connection, PoolEntry entry) {
            closed.incrementAndGet();
        }
    }
}

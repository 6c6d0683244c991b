package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.cycle;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The two checks a checkout makes before it hands a pooled connection out: its age ({@code recycle}, measured on a
 * {@link FakeClock}) and, with {@code pre.ping}, whether it still answers. A dead one found by the ping is replaced
 * silently, and every connection as old as it is replaced at its own next checkout.
 */
class RecycleAndPrePingTest {

    private final StubDriver driver = new StubDriver();
    private final FakeClock clock = new FakeClock();
    private final EventLog events = new EventLog();

    private Pool recyclingPool() {
        Pool pool = TestPools.create(driver, TestPools.settings().withRecycle(Duration.ofSeconds(30)), clock);
        pool.addListener(events);
        return pool;
    }

    private Pool prePingPool() {
        Pool pool = TestPools.create(driver, TestPools.settings().withPrePing(true), clock);
        pool.addListener(events);
        return pool;
    }

    /** Leaves {@code count} connections idle, the first opened last in line (the strategy is LIFO). */
    private static List<StubConnection> idleConnections(Pool pool, int count) throws SQLException {
        ProxiedConnection[] held = new ProxiedConnection[count];
        StubConnection[] connections = new StubConnection[count];
        for (int i = 0; i < count; i++) {
            held[i] = pool.checkout();
            connections[i] = stub(held[i]);
        }
        for (ProxiedConnection connection : held) {
            connection.close();
        }
        return List.of(connections);
    }

    @Test
    void connectionYoungerThanRecycleIsReused() throws SQLException {
        Pool pool = recyclingPool();
        StubConnection first = cycle(pool);

        clock.advance(Duration.ofSeconds(1));

        assertSame(first, cycle(pool));
    }

    @Test
    void connectionOlderThanRecycleIsClosedAndReplacedAtCheckout() throws SQLException {
        Pool pool = recyclingPool();
        StubConnection first = cycle(pool);
        events.take();

        clock.advance(Duration.ofSeconds(35));
        StubConnection second = cycle(pool);

        assertNotSame(first, second);
        assertTrue(first.isPhysicallyClosed());
        assertEquals(List.of("close#1", "connect#2", "checkout#2", "reset#2", "checkin#2"), events.take(),
                "recycling closes without invalidate");
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void replacementIsRecycledInTurnOnceItIsOlderThanRecycle() throws SQLException {
        Pool pool = recyclingPool();
        cycle(pool);
        clock.advance(Duration.ofSeconds(35));
        StubConnection second = cycle(pool);

        clock.advance(Duration.ofSeconds(35));
        StubConnection third = cycle(pool);

        assertNotSame(second, third, "the replacement is 35 s old, beyond recycle 30 s");
        assertTrue(second.isPhysicallyClosed());
    }

    @Test
    void recycleAgeSurvivesTheClockWrapping() throws SQLException {
        clock.set(Long.MAX_VALUE - Duration.ofSeconds(10).toNanos());
        Pool pool = recyclingPool();
        StubConnection first = cycle(pool);

        clock.advance(Duration.ofSeconds(20));
        assertSame(first, cycle(pool), "20 s old across the wrap");
        clock.advance(Duration.ofSeconds(15));
        assertNotSame(first, cycle(pool), "35 s old across the wrap");
    }

    @Test
    void prePingSkipsANewConnectionAndPingsItOnReuse() throws SQLException {
        Pool pool = prePingPool();

        StubConnection connection = cycle(pool);
        assertEquals(0, connection.isValidCalls(), "a connection opened for this checkout is not pinged");

        assertSame(connection, cycle(pool));
        assertEquals(1, connection.isValidCalls());
    }

    @Test
    void deadConnectionFoundByPrePingIsReplacedSilently() throws SQLException {
        Pool pool = prePingPool();
        StubConnection dead = cycle(pool);
        dead.failIsValid(true);
        events.take();

        StubConnection replacement = stub(pool.checkout());

        assertNotSame(dead, replacement);
        assertTrue(dead.isPhysicallyClosed());
        assertEquals(0, replacement.isValidCalls(), "the replacement is new: no ping");
        assertEquals(List.of("invalidate#1", "close#1", "connect#2", "checkout#2"), events.take());
        assertCounts(pool, driver, 0, 1);
    }

    /**
     * Behaviour 70: a connection opened for the checkout itself, because the entry's connection was invalidated, is
     * not pinged, even on an entry whose earlier connection was.
     */
    @Test
    void connectionReopenedForAnInvalidatedEntryIsNotPinged() throws SQLException {
        Pool pool = prePingPool();
        cycle(pool);
        ProxiedConnection pinged = pool.checkout();
        PoolEntry entry = pinged.entry();
        assertEquals(1, stub(pinged).isValidCalls());
        pinged.invalidate();

        try (ProxiedConnection reopened = pool.checkout()) {
            assertSame(entry, reopened.entry());
            assertEquals(List.of(), stub(reopened).calls());
        }
    }

    /**
     * Behaviour 72, as poolkit documents it in {@code Engine}: SQLAlchemy passes on a ping error its dialect does not
     * call a disconnect unless a {@code handle_error} listener says otherwise. poolkit has no {@code handle_error}; any
     * exception from {@code isValid} counts as a dead connection, which is replaced without the caller seeing it.
     */
    @Test
    void pingThatThrowsAnErrorOtherThanADisconnectStillReplacesTheConnection() throws SQLException {
        Pool pool = prePingPool();
        StubConnection stale = cycle(pool);
        stale.failIsValidWith(new SQLException("not a disconnect", "42000"));
        events.take();

        StubConnection replacement = cycle(pool);

        assertNotSame(stale, replacement);
        assertTrue(stale.isPhysicallyClosed());
        assertEquals(List.of("invalidate#1", "close#1", "connect#2", "checkout#2", "reset#2", "checkin#2"),
                events.take());
        assertCounts(pool, driver, 1, 0);
    }

    /**
     * Behaviour 74: without pre-ping a connection that died while idle is handed out, and only its first use fails,
     * with the driver's disconnect error; that use invalidates it, and the next checkout gets a new connection.
     */
    @Test
    void withoutPrePingADeadIdleConnectionIsHandedOutAndFailsAtItsFirstUse() throws SQLException {
        Pool pool = TestPools.create(driver, TestPools.settings(), clock);
        StubConnection dead = cycle(pool);
        dead.kill();

        ProxiedConnection connection = pool.checkout();

        assertSame(dead, stub(connection));
        assertEquals("08006", assertThrows(SQLException.class, () -> execute(connection)).getSQLState());
        assertTrue(connection.isInvalidated());
        connection.close();
        assertEquals(2, cycle(pool).id());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void replacementOfADeadConnectionIsPingedAtItsNextCheckout() throws SQLException {
        Pool pool = prePingPool();
        cycle(pool).failIsValid(true);
        StubConnection replacement = cycle(pool);

        assertSame(replacement, cycle(pool));

        assertEquals(1, replacement.isValidCalls());
    }

    @Test
    void deadConnectionFoundByPrePingReplacesEveryOlderIdleConnectionWithoutPinging() throws SQLException {
        Pool pool = prePingPool();
        List<StubConnection> idle = idleConnections(pool, 2);
        StubConnection older = idle.get(0);
        StubConnection dead = idle.get(1);
        dead.failIsValid(true);

        StubConnection deadReplacement = stub(pool.checkout());
        StubConnection olderReplacement = stub(pool.checkout());

        assertAll(() -> assertTrue(dead.isPhysicallyClosed()), () -> assertTrue(older.isPhysicallyClosed()),
                () -> assertEquals(0, older.isValidCalls(), "older connection replaced without a ping"),
                () -> assertEquals(0, olderReplacement.isValidCalls()),
                () -> assertEquals(List.of(3, 4), List.of(deadReplacement.id(), olderReplacement.id())));
        assertCounts(pool, driver, 0, 2);
    }

    @Test
    void connectionOpenedAfterThePoolInvalidationIsKept() throws SQLException {
        Pool pool = prePingPool();
        cycle(pool).failIsValid(true);
        ProxiedConnection replacement = pool.checkout();
        StubConnection newer = cycle(pool);

        assertSame(newer, cycle(pool));

        assertFalse(newer.isPhysicallyClosed());
        assertEquals(1, newer.isValidCalls());
        replacement.close();
    }

    @Test
    void databaseDownWhenPrePingReconnectsPassesTheCreatorsErrorOnWithCountsIntact() throws SQLException {
        Pool pool = prePingPool();
        StubConnection dead = cycle(pool);
        dead.failIsValid(true);
        SQLException down = new SQLException("database is stopped", "08001");
        driver.failConnect(down);
        long attempts = driver.connectAttempts();

        assertSame(down, assertThrows(SQLException.class, pool::checkout));

        assertEquals(attempts + 1, driver.connectAttempts());
        assertTrue(dead.isPhysicallyClosed());
        assertCounts(pool, driver, 1, 0);
        driver.failConnect(null);
        assertEquals(2, cycle(pool).id());
        assertCounts(pool, driver, 1, 0);
    }
}

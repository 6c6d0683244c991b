package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.cycle;
import static org.poolkit.core.TestPools.stub;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetStyle;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * {@link Pool#dispose()} closes idle connections now and held ones when they come back, with exact counts
 * throughout; {@link Pool#recreate()} gives an empty pool of the same kind that connects only when asked.
 */
class DisposeAndRecreateTest {

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver);

    @Test
    void disposeClosesIdleConnectionsNow() throws SQLException {
        StubConnection idle = cycle(pool);

        pool.dispose();

        assertTrue(idle.isPhysicallyClosed());
        assertCounts(pool, driver, 0, 0);
    }

    @Test
    void connectionHeldAcrossDisposeIsClosedWhenItComesBack() throws SQLException {
        ProxiedConnection held = pool.checkout();
        StubConnection heldConnection = stub(held);
        StubConnection idle = cycle(pool);

        pool.dispose();
        assertTrue(idle.isPhysicallyClosed());
        assertFalse(heldConnection.isPhysicallyClosed(), "a held connection keeps working");
        assertCounts(pool, driver, 0, 1);
        TestPools.execute(held);

        held.close();
        assertTrue(heldConnection.isPhysicallyClosed(), "not pooled after dispose");
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void poolStaysUsableAfterDispose() throws SQLException {
        StubConnection before = cycle(pool);
        pool.dispose();

        StubConnection after = cycle(pool);

        assertNotSame(before, after);
        assertSame(after, cycle(pool), "connections opened after dispose are pooled as usual");
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void disposeCallsRollbackThenCloseAndTheRecreatedPoolStartsAfresh() throws SQLException {
        // research/sqlalchemy-pool.md §5.1 item 4: connect, close, dispose, recreate, connect, close = [R, CL, R].
        driver.defaultAutoCommit(false);
        StubConnection first = cycle(pool);
        pool.dispose();

        StubConnection second = cycle(pool.recreate());

        assertEquals(List.of("rollback", "close"), first.calls());
        assertEquals(List.of("rollback"), second.calls());
    }

    @Test
    void recreateKeepsStrategySettingsAndListenersAndConnectsOnlyAtCheckout() throws SQLException {
        PoolSettings settings = TestPools.settings().withResetOnReturn(ResetStyle.COMMIT).withPrePing(true)
                .withRecycle(Duration.ofSeconds(35)).withName("recreated");
        Pool original = TestPools.create(driver, settings);
        EventLog events = EventLog.on(original);

        Pool copy = original.recreate();

        assertNotSame(original, copy);
        assertEquals(settings, copy.settings());
        assertEquals(original.strategy(), copy.strategy());
        assertEquals(0, driver.connectAttempts(), "recreate connects nothing");
        assertCounts(copy, driver, 0, 0);
        cycle(copy);
        assertEquals(List.of("firstConnect#1", "connect#1", "checkout#1", "reset#1", "checkin#1"), events.take());
    }

    @Test
    void disposeAndRecreateNeverCallAFailingCreator() throws SQLException {
        driver.failConnect(new SQLException("database is down", "08001"));

        pool.dispose();
        pool.recreate().dispose();

        assertEquals(0, driver.connectAttempts());
    }

    @Test
    void disposeAndRecreateAfterOneConnectNeverCallTheCreatorAgain() throws SQLException {
        cycle(pool);
        driver.failConnect(new SQLException("database is down", "08001"));

        pool.dispose();
        pool.recreate();

        assertEquals(1, driver.connectAttempts());
    }
}

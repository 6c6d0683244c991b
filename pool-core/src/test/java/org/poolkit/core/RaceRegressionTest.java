package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Paths where one entry could have gone back to the pool twice, or not at all, found in review: a checkout listener
 * whose query through the proxy finds the connection dead, a listener throwing an {@link Error} at checkin, a checkin
 * racing {@code dispose()}, and the leak detector racing a real {@code close()}.
 */
class RaceRegressionTest {

    private final StubDriver driver = new StubDriver();

    /** A checkout listener pinging through the proxy it is given, on a connection that died while idle. */
    private static PoolEvents pingThroughProxyOnce(boolean reportAsDisconnection) {
        AtomicBoolean armed = new AtomicBoolean(true);
        return new PoolEvents() {
            @Override
            public void checkout(Connection driver, PoolEntry entry, ProxiedConnection proxy) throws SQLException {
                if (!armed.getAndSet(false)) {
                    return;
                }
                ((StubConnection) driver).kill();
                try {
                    execute(proxy);
                } catch (SQLException e) {
                    if (reportAsDisconnection) {
                        throw new DisconnectionException("ping failed", false, e);
                    }
                    throw e;
                }
            }
        };
    }

    @Test
    void checkoutListenerFailingThroughTheProxyReturnsTheEntryOnce() throws SQLException {
        Pool pool = TestPools.create(driver);
        TestPools.cycle(pool);
        pool.addListener(pingThroughProxyOnce(false));

        assertEquals("08006", assertThrows(SQLException.class, pool::checkout).getSQLState());

        ProxiedConnection first = pool.checkout();
        ProxiedConnection second = pool.checkout();
        assertNotSame(first.entry(), second.entry(), "one entry handed to two holders: " + pool.status());
        assertCounts(pool, driver, 0, 2);
    }

    @Test
    void checkoutListenerReportingADisconnectThroughTheProxyGetsAWorkingConnection() throws SQLException {
        Pool pool = TestPools.create(driver);
        TestPools.cycle(pool);
        pool.addListener(pingThroughProxyOnce(true));

        ProxiedConnection connection = pool.checkout();

        assertNotNull(connection.entry(), "the holder owns an entry, so close() returns it");
        assertEquals(2, stub(connection).id());
        execute(connection);
        connection.close();
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void errorFromACheckinListenerReachesTheHolderAndTheEntryStillGoesBack() throws SQLException {
        Pool pool = TestPools.create(driver);
        AtomicBoolean armed = new AtomicBoolean(true);
        pool.addListener(new PoolEvents() {
            @Override
            public void checkin(Connection connection, PoolEntry entry) {
                if (armed.getAndSet(false)) {
                    throw new AssertionError("a test's assertion inside a listener");
                }
            }
        });

        ProxiedConnection connection = pool.checkout();
        assertThrows(AssertionError.class, connection::close);

        assertCounts(pool, driver, 1, 0);
        assertEquals(1, TestPools.cycle(pool).id());
    }

    @Test
    void errorFromAResetListenerInvalidatesTheConnectionAndTheEntryStillGoesBack() throws SQLException {
        Pool pool = TestPools.create(driver);
        AtomicBoolean armed = new AtomicBoolean(true);
        pool.addListener(Listen.onReset((connection, entry) -> {
            if (armed.getAndSet(false)) {
                throw new AssertionError("a test's assertion inside a listener");
            }
        }));

        ProxiedConnection connection = pool.checkout();
        assertThrows(AssertionError.class, connection::close);

        assertCounts(pool, driver, 1, 0);
        assertEquals(2, TestPools.cycle(pool).id(), "a connection whose reset did not finish is not reused");
    }

    @Test
    void errorFromAnInvalidateListenerReachesTheHolderAndTheEntryStillGoesBack() throws SQLException {
        Pool pool = TestPools.create(driver);
        AtomicBoolean armed = new AtomicBoolean(true);
        pool.addListener(new PoolEvents() {
            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                if (armed.getAndSet(false)) {
                    throw new AssertionError("a test's assertion inside a listener");
                }
            }
        });

        ProxiedConnection connection = pool.checkout();
        assertThrows(AssertionError.class, connection::invalidate);

        assertCounts(pool, driver, 1, 0);
        assertEquals(2, TestPools.cycle(pool).id());
    }

    @Test
    void connectionsCheckedInWhileDisposeRunsAreAllClosed() throws Exception {
        int holders = 8;
        for (int round = 0; round < 1000; round++) {
            StubDriver roundDriver = new StubDriver().recordCalls(false);
            Pool pool = TestPools.create(roundDriver);
            List<ProxiedConnection> held = new ArrayList<>();
            for (int i = 0; i < holders; i++) {
                held.add(pool.checkout());
            }
            CyclicBarrier start = new CyclicBarrier(holders + 1);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> closers = new ArrayList<>();
            for (ProxiedConnection connection : held) {
                Thread closer = new Thread(() -> {
                    await(start);
                    ((ConnectionHandle) connection).close();
                });
                closer.setUncaughtExceptionHandler((thread, failure) -> failures.add(failure));
                closer.start();
                closers.add(closer);
            }
            await(start);
            pool.dispose();
            for (Thread closer : closers) {
                closer.join(10_000);
                assertFalse(closer.isAlive(), "a close() did not finish");
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(0, roundDriver.open(), "round " + round + ": open after dispose; " + pool.status());
        }
    }

    /**
     * Once the JIT has compiled {@code close()}, the handle is unreachable while its checkin still resets: without a
     * reachability fence the leak detector could take the entry back at the same time. Checkins here run a reset
     * listener that collects garbage and lets the pool reclaim, as another thread's checkout would.
     */
    @Test
    void aHandleBeingClosedIsNeverReclaimedAsLeaked() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Pool pool = TestPools.create(driver.recordCalls(false));
            AtomicBoolean collectDuringReset = new AtomicBoolean();
            AtomicInteger leakedResets = new AtomicInteger();
            pool.addListener(new PoolEvents() {
                @Override
                public void reset(Connection connection, PoolEntry entry, ResetState state) {
                    if (state.leaked()) {
                        leakedResets.incrementAndGet();
                    }
                    if (collectDuringReset.getAndSet(false)) {
                        for (int i = 0; i < 10 && leakedResets.get() == 0; i++) {
                            System.gc();
                            // The collector enqueues phantom references on its own thread; give it the time.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                            pool.status();
                        }
                    }
                }
            });
            for (int i = 0; i < 200_000; i++) {
                TestPools.cycle(pool);
            }
            for (int attempt = 0; attempt < 20; attempt++) {
                collectDuringReset.set(true);
                TestPools.cycle(pool);
            }
            ProxiedConnection first = pool.checkout();
            ProxiedConnection second = pool.checkout();
            assertAll(
                    () -> assertEquals(0, leakedResets.get(), "a handle being closed was reclaimed as leaked"),
                    () -> assertNotSame(first.entry(), second.entry(), "one entry handed to two holders"));
        });
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

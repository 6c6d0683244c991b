package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.assertSlotBackAndEverySlotReachable;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.closeAll;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.disconnect;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;
import static org.poolkit.queuepool.internal.QueuePoolFixture.useOnce;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetStyle;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * SQLAlchemy's QueuePool behaviours (research/sqlalchemy-pool.md §5) that the other queue pool tests do not cover:
 * dispose and recreate (1–4), the overflow limit under concurrent checkouts (15, 16), listener failures that must
 * give the slot back (34, 37), listeners around a recycle that cannot reconnect (35, 36), and detach freeing a slot
 * (39). Pools that must not lose a slot have a timeout of zero, so that a lost slot fails a checkout at once.
 */
class SqlAlchemyParityTest {

    private final StubDriver driver = new StubDriver();
    private final SQLException down = new SQLException("database is down", "08001");

    /** Behaviour 1: neither dispose nor recreate connects, even with a failing creator; the copy is a queue pool. */
    @ParameterizedTest(name = "connected once before: {0}")
    @ValueSource(booleans = {false, true})
    void disposeAndRecreateNeverCallTheCreator(boolean connectedBefore) throws SQLException {
        Pool pool = queuePool(driver, settings(5, 10));
        if (connectedBefore) {
            useOnce(pool);
        }
        long attempts = driver.connectAttempts();
        driver.failConnect(down);

        pool.dispose();
        Pool copy = pool.recreate();
        copy.dispose();

        assertEquals(attempts, driver.connectAttempts());
        assertEquals(QueuePoolProvider.NAME, copy.strategy());
        assertEquals(counts(5, 0, -5, 0), counts(copy));
    }

    /** Behaviour 2: the copy has every setting of the original, queue pool settings included. */
    @Test
    void recreateKeepsEverySetting() {
        PoolSettings all = settings(8, 10).withName("recreated").withTimeout(Duration.ofSeconds(25)).withUseLifo(true)
                .withPrePing(true).withResetOnReturn(ResetStyle.COMMIT).withRecycle(Duration.ofSeconds(35))
                .withLeakDetectionThreshold(Duration.ofMinutes(1));

        Pool copy = queuePool(driver, all).recreate();

        assertEquals(all, copy.settings());
        assertEquals("recreated", copy.name());
        assertEquals(counts(8, 0, -8, 0), counts(copy));
    }

    /**
     * Behaviour 3: the copy of a pool of one without overflow and without reset acts as one: a second checkout finds
     * no overflow, and the returned connection's open transaction is not rolled back.
     */
    @Test
    void recreatedPoolKeepsSizeOverflowAndResetStyleInEffect() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool copy = queuePool(driver, settings(1, 0).withTimeout(Duration.ZERO).withResetOnReturn(ResetStyle.NONE))
                .recreate();

        ProxiedConnection only = copy.checkout();
        StubConnection connection = stub(only);
        assertThrows(PoolTimeoutException.class, copy::checkout, "max.overflow 0");
        only.close();

        assertEquals(0, connection.rollbacks(), "reset.on.return none");
        assertEquals(counts(1, 1, 0, 0), counts(copy));
    }

    /** Behaviour 4: connect, close, dispose, recreate, connect, close on the same pool: rollback, close, rollback. */
    @Test
    void disposeClosesTheReturnedConnectionAndThePoolConnectsAnewAfterARecreate() throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = queuePool(driver, settings(5, 10));

        useOnce(pool);
        pool.dispose();
        useOnce(pool.recreate());

        List<String> calls = driver.connections().stream().flatMap(connection -> connection.calls().stream())
                .toList();
        assertEquals(List.of("rollback", "close", "rollback"), calls);
    }

    /**
     * Behaviours 15 and 16: forty threads of ten checkouts each on {@code pool.size} 3 never see the overflow pass
     * {@code max.overflow}, nor hold more connections at once than the two allow; dispose then closes every one.
     */
    @ParameterizedTest(name = "max.overflow {0}")
    @ValueSource(ints = {0, 5})
    void concurrentCheckoutsNeverPassMaxOverflow(int maxOverflow) throws SQLException {
        Pool pool = queuePool(driver, settings(3, maxOverflow));
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger mostOverflow = new AtomicInteger(Integer.MIN_VALUE);
        CountDownLatch start = new CountDownLatch(1);
        List<Worker<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            workers.add(Worker.start("worker-" + i, () -> {
                start.await();
                for (int round = 0; round < 10; round++) {
                    try (ProxiedConnection handle = pool.checkout()) {
                        mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        mostOverflow.accumulateAndGet(pool.status().overflow(), Math::max);
                        Thread.yield();
                        holding.decrementAndGet();
                    }
                }
                return null;
            }));
        }

        start.countDown();
        workers.forEach(Worker::join);

        assertTrue(mostOverflow.get() <= maxOverflow, "overflow reached " + mostOverflow);
        assertTrue(mostHeld.get() <= 3 + maxOverflow, mostHeld + " connections held at once");
        pool.dispose();
        assertEquals(0, driver.open());
    }

    /** How a checkout listener fails, for behaviour 34. */
    enum CheckoutFailure {
        /** Reports the connection dead while the database is down, so that its replacement cannot connect. */
        DISCONNECTION_WHILE_THE_DATABASE_IS_DOWN,
        /** Throws an {@link Error}, Java's counterpart of a {@code BaseException} that is no {@code Exception}. */
        ERROR
    }

    /**
     * Behaviour 34: a checkout listener fails the checkout of the one idle connection of a pool of one with overflow
     * two. The failure reaches the caller (the creator's own error when the replacement could not connect), the slot
     * goes back, and once the listener and database recover every slot can be checked out.
     */
    @ParameterizedTest
    @EnumSource(CheckoutFailure.class)
    void checkoutListenerFailureReachesTheCallerAndGivesTheSlotBack(CheckoutFailure failure) throws SQLException {
        Pool pool = queuePool(driver, settings(1, 2).withTimeout(Duration.ZERO));
        useOnce(pool);
        Error interrupt = new Error("interrupted");
        AtomicBoolean failing = new AtomicBoolean(true);
        pool.addListener(new PoolEvents() {
            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy)
                    throws SQLException {
                if (failing.get() && failure == CheckoutFailure.ERROR) {
                    throw interrupt;
                }
                if (failing.get()) {
                    throw new DisconnectionException("listener says dead");
                }
            }
        });
        if (failure == CheckoutFailure.DISCONNECTION_WHILE_THE_DATABASE_IS_DOWN) {
            driver.failConnect(down);
        }

        Throwable thrown = assertThrows(Throwable.class, pool::checkout);

        assertSame(failure == CheckoutFailure.ERROR ? interrupt : down, thrown);
        failing.set(false);
        assertSlotBackAndEverySlotReachable(pool, driver);
    }

    /**
     * The setup of SQLAlchemy's tests for its ticket 3497: {@code pool.size} 2 and {@code max.overflow} 2 with two idle
     * connections; the database goes down, and a checkout of the first finds it dead, which invalidates the pool. The
     * next checkout takes the second idle connection, which is of the old generation: it must be recycled, and its
     * reconnect fails.
     */
    private Pool poolWhoseNextCheckoutMustRecycleWhileTheDatabaseIsDown() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 2));
        closeAll(checkout(pool, 2));
        driver.failConnect(down);
        disconnect(pool.checkout());
        return pool;
    }

    /**
     * Behaviour 35: the checkout that cannot reconnect its recycled connection fires {@code close} for it and neither
     * {@code connect} nor {@code checkout}; once the database is back, one checkout fires one of each.
     */
    @Test
    void recycleThatCannotReconnectFiresNeitherConnectNorCheckout() throws SQLException {
        Pool pool = poolWhoseNextCheckoutMustRecycleWhileTheDatabaseIsDown();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        pool.addListener(new PoolEvents() {
            @Override
            public void connect(Connection connection, PoolEntry entry) {
                events.add("connect");
            }

            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) {
                events.add("checkout");
            }

            @Override
            public void close(Connection connection, PoolEntry entry) {
                events.add("close");
            }
        });

        assertSame(down, assertThrows(SQLException.class, pool::checkout));
        assertEquals(List.of("close"), events);
        driver.failConnect(null);
        events.clear();
        useOnce(pool);

        assertEquals(List.of("connect", "checkout"), events);
    }

    /**
     * Behaviour 36: in the same setup, a {@code checkout} listener always finds what the {@code connect} listener put
     * in the entry's info, on the entries that failed to reconnect as on new ones.
     */
    @Test
    void checkoutListenerAlwaysFindsWhatTheConnectListenerPutInInfo() throws SQLException {
        Pool pool = poolWhoseNextCheckoutMustRecycleWhileTheDatabaseIsDown();
        List<Boolean> found = Collections.synchronizedList(new ArrayList<>());
        pool.addListener(new PoolEvents() {
            @Override
            public void connect(Connection connection, PoolEntry entry) {
                entry.info().put("x", true);
            }

            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) {
                found.add(entry.info().containsKey("x"));
            }
        });

        assertThrows(SQLException.class, pool::checkout);
        driver.failConnect(null);
        checkout(pool, 4);

        assertEquals(List.of(true, true, true, true), found);
    }

    static Stream<Throwable> connectListenerFailures() {
        return Stream.of(new SQLException("connect listener failed"), new Error("connect listener failed"));
    }

    /**
     * Behaviour 37: a {@code connect} listener fails, with an exception or an {@link Error}, on the reconnect of the
     * invalidated entry of a pool of one without overflow. The failure reaches the caller and the pool is not
     * blocked: once the listener recovers the next checkout connects, and the other connect listener has run again.
     */
    @ParameterizedTest
    @MethodSource("connectListenerFailures")
    void connectListenerFailingOnAReconnectDoesNotBlockThePool(Throwable failure) throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(Duration.ZERO));
        AtomicBoolean failing = new AtomicBoolean();
        pool.addListener(new PoolEvents() {
            @Override
            public void connect(Connection connection, PoolEntry entry) throws SQLException {
                if (failing.get() && failure instanceof SQLException) {
                    throw (SQLException) failure;
                }
                if (failing.get()) {
                    throw (Error) failure;
                }
            }
        });
        pool.addListener(new PoolEvents() {
            @Override
            public void connect(Connection connection, PoolEntry entry) {
                entry.info().put("important_flag", true);
            }
        });
        ProxiedConnection first = pool.checkout();
        assertEquals(true, first.info().get("important_flag"));
        first.invalidate();
        failing.set(true);

        assertSame(failure, assertThrows(Throwable.class, pool::checkout));

        failing.set(false);
        try (ProxiedConnection again = pool.checkout()) {
            assertEquals(true, again.info().get("important_flag"));
        }
        assertEquals(counts(1, 1, 0, 0), counts(pool));
        assertEquals(1, driver.open());
    }

    /**
     * Behaviour 39: detach frees the slot at once. On a pool of one without overflow a second checkout connects
     * without waiting, and the detached connection stays open until its holder closes it, which closes it once.
     */
    @Test
    void detachedConnectionNoLongerTakesASlot() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(Duration.ZERO));
        ProxiedConnection c1 = pool.checkout();
        StubConnection detached = stub(c1);

        c1.detach();

        try (ProxiedConnection c2 = pool.checkout()) {
            assertEquals(2, id(c2));
        }
        assertEquals(2, driver.connectAttempts());
        assertEquals(0, detached.closes());
        c1.close();
        assertEquals(1, detached.closes());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }
}

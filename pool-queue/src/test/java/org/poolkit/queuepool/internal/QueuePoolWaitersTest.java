package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.NO_TIMEOUT;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkoutHeldAtTheGate;
import static org.poolkit.queuepool.internal.QueuePoolFixture.closeAll;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.disconnect;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;
import static org.poolkit.queuepool.internal.QueuePoolFixture.useOnce;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.core.Pools;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Checkouts that wait or connect while others do (SQLAlchemy behaviours 20–23), a failing connect with waiters
 * behind it, and dispose with connections out (behaviour 5 as poolkit adapts it: a connection out during dispose
 * is closed when it comes back, not pooled).
 */
class QueuePoolWaitersTest {

    private final StubDriver driver = new StubDriver();
    private final SQLException down = new SQLException("database is down", "08001");

    @Test
    void aHangingConnectDelaysNeitherCheckoutsOfIdleConnectionsNorConnectsInOtherSlots() throws Exception {
        Pool pool = queuePool(driver, settings(2, 3));
        ProxiedConnection first = pool.checkout();
        CountDownLatch gate = new CountDownLatch(1);
        Worker<Integer> hanging = checkoutHeldAtTheGate(driver, pool, gate);
        try {
            first.close();

            ProxiedConnection idle = pool.checkout();
            List<ProxiedConnection> others = checkout(pool, 3);

            assertEquals(1, id(idle), "the idle connection, handed out past the hanging connect");
            assertEquals(counts(2, 0, 3, 5), counts(pool), "five slots taken, one of them still connecting");
            assertFalse(hanging.isDone());
            closeAll(others);
            idle.close();
        } finally {
            gate.countDown();
        }
        assertEquals(5, hanging.join());
        assertEquals(counts(2, 2, 0, 0), counts(pool));
        assertEquals(2, driver.open());
    }

    static Stream<Arguments> timeoutsAndOverflows() {
        return Stream.of(NO_TIMEOUT, Duration.ofSeconds(30))
                .flatMap(timeout -> Stream.of(0, 3).map(maxOverflow -> Arguments.of(timeout, maxOverflow)));
    }

    /**
     * SQLAlchemy's {@code test_waiters_handled}: the pool is invalidated while two checkouts wait for it. (Upstream
     * also runs max.overflow -1, where nobody waits; the pool is held at its limit here so that both really do.)
     */
    @ParameterizedTest(name = "timeout {0}, max.overflow {1}")
    @MethodSource("timeoutsAndOverflows")
    void waitersGetConnectionsWhenThePoolIsInvalidated(Duration timeout, int maxOverflow) throws SQLException {
        Pool pool = queuePool(driver, settings(2, maxOverflow).withTimeout(timeout));
        List<ProxiedConnection> held = checkout(pool, 2 + maxOverflow);
        List<Worker<Integer>> waiters = List.of(Worker.checkoutAndReturn("waiter-0", pool),
                Worker.checkoutAndReturn("waiter-1", pool));
        awaitWaiting(pool, 2);

        disconnect(held.get(1));

        Set<Integer> served = new HashSet<>();
        waiters.forEach(waiter -> served.add(waiter.join()));
        assertEquals(Set.of(driver.connections().size()), served,
                "both waiters were served by the one connection that replaced the invalidated one");
        closeAll(held.subList(2, held.size()));
        held.get(0).close();
        assertEquals(0, pool.status().checkedOut());
        assertEquals(0, pool.status().waiting());
        assertEquals(pool.status().open(), driver.open());
    }

    /** SQLAlchemy's {@code test_notify_waiters}: one invalidation, one reconnect, five waiters served in turn. */
    @Test
    void invalidatingTheOnlyConnectionServesEveryWaiterWithOneReconnect() throws SQLException {
        List<Integer> canary = Collections.synchronizedList(new ArrayList<>());
        ConnectionCreator creator = entry -> {
            canary.add(1);
            return driver.create(entry);
        };
        Pool pool = queuePool(creator, settings(1, 0).withTimeout(NO_TIMEOUT));
        ProxiedConnection c1 = pool.checkout();
        List<Worker<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(Worker.start("waiter-" + i, () -> {
                try (ProxiedConnection handle = pool.checkout()) {
                    canary.add(2);
                    assertTrue(handle.isValid(1));
                }
                return null;
            }));
            awaitWaiting(pool, i + 1);
        }
        assertEquals(List.of(1), canary);

        c1.invalidate();

        waiters.forEach(Worker::join);
        assertEquals(List.of(1, 1, 2, 2, 2, 2, 2), canary);
        assertEquals(counts(1, 1, 0, 0), counts(pool));
        assertEquals(1, driver.open());
    }

    /**
     * SQLAlchemy's {@code test_connrec_invalidated_within_checkout_no_race}, first window: another actor invalidates
     * the entry right after the strategy yields it. The checkout succeeds with a new connection.
     */
    @Test
    void entryInvalidatedRightAfterTheStrategyYieldsItIsReconnectedBeforeItIsHandedOut() throws SQLException {
        AtomicReference<Consumer<PoolEntry>> afterYield = new AtomicReference<>(entry -> { });
        Pool pool = Pools.create(queueCalling(afterYield), driver, settings(1, 0).withTimeout(Duration.ofSeconds(1)),
                System::nanoTime);
        StubConnection first = useOnce(pool);
        afterYield.set(entry -> entry.invalidate(null));

        try (ProxiedConnection handle = pool.checkout()) {
            assertEquals(2, id(handle));
            assertTrue(handle.isValid(1));
        }

        assertTrue(first.isPhysicallyClosed());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    /**
     * The same race, second window: the entry is invalidated after the engine found it fresh and before it makes
     * the handle. The checkout raises nothing and its handle has no connection, as in SQLAlchemy; closing the
     * handle must still give the entry back, or the pool loses the slot for good.
     */
    @Test
    void entryInvalidatedAfterTheFreshnessCheckStillComesBackWhenItsHandleIsClosed() throws SQLException {
        OneShotClock clock = new OneShotClock();
        Pool pool = queuePool(driver,
                settings(1, 0).withRecycle(Duration.ofHours(1)).withTimeout(Duration.ofSeconds(1)), clock);
        PoolEntry entry;
        try (ProxiedConnection first = pool.checkout()) {
            entry = first.entry();
        }
        // With recycle on, the clock is read exactly where the engine judges the entry's age.
        clock.onNextRead(() -> entry.invalidate(null));

        ProxiedConnection handle = pool.checkout();
        assertSame(entry, handle.entry());
        assertNull(entry.connection(), "the other actor's invalidation took the connection");
        handle.close();

        assertEquals(counts(1, 1, 0, 0), counts(pool), "the entry came back when its handle was closed");
        assertEquals(2, useOnce(pool).id(), "the next checkout connects the entry anew");
    }

    @Test
    void whenAConnectFailsTheNextWaiterGetsTheFreedSlotAndLearnsTheFailureNow() throws Exception {
        Pool pool = queuePool(driver, settings(1, 0));
        Contenders contenders = connectAtTheGateWithAWaiterBehind(pool, () -> driver.failConnect(down));

        assertSame(down, contenders.connecting().failure());
        assertSame(down, contenders.waiter().failure(), "the waiter connected in the freed slot before its timeout");
        assertEquals(counts(1, 0, -1, 0), counts(pool));
        assertEquals(0, pool.status().waiting());
        driver.failConnect(null);
        assertEquals(1, useOnce(pool).id());
    }

    @Test
    void whenAConnectFailsOnceTheWaiterBehindItConnectsInTheFreedSlot() throws Exception {
        Pool pool = queuePool(driver, settings(1, 0));
        Contenders contenders = connectAtTheGateWithAWaiterBehind(pool, () -> driver.failConnectTimes(1, down));

        assertSame(down, contenders.connecting().failure());
        assertEquals(1, contenders.waiter().join());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    @Test
    void disposeClosesIdleConnectionsNowAndHeldOnesWhenTheyComeBackKeepingCountsExact() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 1));
        List<ProxiedConnection> held = checkout(pool, 3);
        List<StubConnection> stubs = new ArrayList<>();
        for (ProxiedConnection handle : held) {
            stubs.add(stub(handle));
        }
        held.get(0).close();

        pool.dispose();
        assertTrue(stubs.get(0).isPhysicallyClosed(), "the idle connection is closed at once");
        assertFalse(stubs.get(1).isPhysicallyClosed() || stubs.get(2).isPhysicallyClosed(), "held ones are not");
        assertEquals(counts(2, 0, 0, 2), counts(pool));
        held.get(1).close();
        assertTrue(stubs.get(1).isPhysicallyClosed(), "closed when it came back");
        assertEquals(counts(2, 1, 0, 1), counts(pool));
        held.get(2).close();
        assertTrue(stubs.get(2).isPhysicallyClosed(), "closed when it came back");
        assertEquals(counts(2, 2, 0, 0), counts(pool));
        assertEquals(0, driver.open());
        assertEquals(0, pool.status().open());

        pool.dispose();
        assertEquals(counts(2, 0, -2, 0), counts(pool), "everything returned and disposed: the pool is empty");
        assertEquals(4, useOnce(pool).id(), "and opens new connections as checkouts need them");
    }

    /** SQLAlchemy's {@code test_dispose_closes_pooled}, adapted: c2, out during dispose, is not pooled. */
    @Test
    void connectionOutDuringDisposeIsClosedWhenReturnedAndNotHandedOutAgain() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 0));
        ProxiedConnection pc1 = pool.checkout();
        ProxiedConnection pc2 = pool.checkout();
        StubConnection c1 = stub(pc1);
        StubConnection c2 = stub(pc2);
        pc1.close();

        pool.dispose();
        assertEquals(1, c1.closes());
        assertEquals(0, c2.closes());
        pc2.close();

        assertEquals(1, c2.closes(), "SQLAlchemy would pool it; poolkit closes it");
        assertEquals(3, useOnce(pool).id());
        assertEquals(counts(2, 1, -1, 0), counts(pool));
    }

    /** A checkout that connects, and one that waits behind it. */
    private record Contenders(Worker<Integer> connecting, Worker<Integer> waiter) {
    }

    /**
     * Starts a checkout whose connect is held at the driver's gate, queues a second checkout behind it, sets the
     * driver's fault, and opens the gate.
     */
    private Contenders connectAtTheGateWithAWaiterBehind(Pool pool, Runnable fault) {
        CountDownLatch gate = new CountDownLatch(1);
        Worker<Integer> connecting = checkoutHeldAtTheGate(driver, pool, gate);
        Worker<Integer> waiter = Worker.checkoutAndReturn("waiter", pool);
        awaitWaiting(pool, 1);
        fault.run();
        gate.countDown();
        return new Contenders(connecting, waiter);
    }

    /** The queue strategy, with a hook run on each entry it yields, before the engine looks at it. */
    private static PoolStrategyProvider queueCalling(AtomicReference<Consumer<PoolEntry>> afterYield) {
        return new PoolStrategyProvider() {
            @Override
            public String name() {
                return QueuePoolProvider.NAME;
            }

            @Override
            public PoolStrategy create(PoolContext context) {
                QueuePool queue = new QueuePool(context);
                return new PoolStrategy() {
                    @Override
                    public PoolEntry checkout() throws SQLException {
                        PoolEntry entry = queue.checkout();
                        afterYield.get().accept(entry);
                        return entry;
                    }

                    @Override
                    public void checkin(PoolEntry entry) {
                        queue.checkin(entry);
                    }

                    @Override
                    public void dispose() {
                        queue.dispose();
                    }

                    @Override
                    public PoolStatus status() {
                        return queue.status();
                    }
                };
            }
        };
    }

    /** {@link System#nanoTime()}, running an action the next time it is read. */
    private static final class OneShotClock implements LongSupplier {

        private final AtomicReference<Runnable> action = new AtomicReference<>();

        void onNextRead(Runnable next) {
            action.set(next);
        }

        @Override
        public long getAsLong() {
            Runnable next = action.getAndSet(null);
            if (next != null) {
                next.run();
            }
            return System.nanoTime();
        }
    }
}

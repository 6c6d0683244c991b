package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.await;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkoutHeldAtTheGate;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubDriver;

/**
 * Waiters are served in the order they arrived among themselves; a checkout that arrives while a connection is idle
 * may take it before them (as in SQLAlchemy, HikariCP and Agroal), but never starves them: a waiter that has waited
 * more than a millisecond gets the next returned connection directly. Arrival order is made certain by starting each
 * waiter only once the one before it is counted as waiting.
 */
class QueuePoolFairnessTest {

    private static final int WAITERS = 8;

    private final StubDriver driver = new StubDriver();
    private final List<String> served = Collections.synchronizedList(new ArrayList<>());

    @Test
    void waitersAreServedInTheOrderTheyArrived() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0));
        ProxiedConnection holder = pool.checkout();
        List<Worker<Integer>> waiters = queueWaiters(pool, WAITERS);

        holder.close();

        waiters.forEach(waiter -> assertEquals(1, waiter.join(), "every waiter had the one connection"));
        assertEquals(IntStream.range(0, WAITERS).mapToObj(i -> "waiter-" + i).toList(), served);
        assertEquals(counts(1, 1, 0, 0), counts(pool));
        assertEquals(1, driver.opened());
    }

    /** Whether the returning thread takes the connection first or queues, the waiters keep their order. */
    @Test
    void aCheckoutArrivingWhileOthersWaitLeavesTheWaitersInTheirOrder() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(QueuePoolFixture.BOUND));
        ProxiedConnection holder = pool.checkout();
        List<Worker<Integer>> waiters = queueWaiters(pool, 2);

        holder.close();
        try (ProxiedConnection again = pool.checkout()) {
            served.add("returner");
            assertEquals(1, id(again));
        }

        waiters.forEach(Worker::join);
        assertEquals(3, served.size(), "everyone was served: " + served);
        assertTrue(served.indexOf("waiter-0") < served.indexOf("waiter-1"), "the waiters' order: " + served);
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    /** Measured by the pool's clock: a waiter that woke empty-handed after more than a millisecond is owed the next. */
    @Test
    void aWaiterThatWaitedTooLongIsHandedTheNextReturnedConnectionDirectly() throws SQLException {
        FakeClock clock = new FakeClock();
        AtomicLong reads = new AtomicLong();
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(QueuePoolFixture.BOUND), () -> {
            reads.incrementAndGet();
            return clock.nanoTime();
        });
        ProxiedConnection holder = pool.checkout();
        CountDownLatch release = new CountDownLatch(1);
        Worker<Integer> waiter = Worker.start("waiter", () -> {
            try (ProxiedConnection handle = pool.checkout()) {
                release.await();
                return id(handle);
            }
        });
        awaitWaiting(pool, 1);
        clock.advance(Duration.ofMillis(2));
        long readsBefore = reads.get();
        waiter.unpark();
        await(() -> reads.get() > readsBefore && waiter.isParked(), "the woken waiter to find nothing and wait again");

        holder.close();

        // Handed over inside close(): no arriving checkout could have taken it from the idle connections.
        PoolStatus status = pool.status();
        assertEquals(0, status.waiting(), "the waiter was served by the checkin itself: " + status);
        assertEquals(0, status.checkedIn(), "the connection went to the waiter, not among the idle: " + status);
        release.countDown();
        assertEquals(1, waiter.join());
    }

    /** Threads that check out and in without pause cannot keep a waiter from a connection until its timeout. */
    @Test
    void threadsThatKeepTakingReturnedConnectionsDoNotStarveAWaiter() throws Exception {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(QueuePoolFixture.BOUND));
        AtomicBoolean stop = new AtomicBoolean();
        List<Worker<Integer>> busy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            busy.add(Worker.start("busy-" + i, () -> {
                int cycles = 0;
                while (!stop.get()) {
                    pool.checkout().close();
                    cycles++;
                }
                return cycles;
            }));
        }
        await(() -> driver.opened() == 1, "the busy threads to use the connection");

        try {
            long start = System.nanoTime();
            Worker<Integer> waiter = Worker.checkoutAndReturn("waiter", pool);
            assertEquals(1, waiter.join(), "the waiter was served before its timeout");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(QueuePoolFixture.BOUND) < 0, "served after " + waited);
        } finally {
            stop.set(true);
        }
        busy.forEach(Worker::join);
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    @Test
    void aSlotFreedByAFailedConnectGoesToTheLongestWaiter() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0));
        CountDownLatch gate = new CountDownLatch(1);
        Worker<Integer> connecting = checkoutHeldAtTheGate(driver, pool, gate);
        List<Worker<Integer>> waiters = queueWaiters(pool, 3);
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnectTimes(1, down);

        gate.countDown();

        assertSame(down, connecting.failure());
        waiters.forEach(Worker::join);
        assertEquals(List.of("waiter-0", "waiter-1", "waiter-2"), served);
    }

    /** Starts {@code n} waiters, each once the one before it waits; each notes its name when served. */
    private List<Worker<Integer>> queueWaiters(Pool pool, int n) {
        List<Worker<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "waiter-" + i;
            waiters.add(Worker.start(name, () -> {
                try (ProxiedConnection handle = pool.checkout()) {
                    served.add(name);
                    return id(handle);
                }
            }));
            awaitWaiting(pool, i + 1);
        }
        return waiters;
    }
}

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkoutHeldAtTheGate;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.testkit.StubDriver;

/**
 * Where poolkit goes beyond SQLAlchemy (whose queue is not fair, issue #7679): checkouts waiting at the limit are
 * served in the order they arrived, and a checkout that arrives while others wait queues behind them. Arrival order
 * is made certain by starting each waiter only once the one before it is counted as waiting.
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

    @Test
    void aCheckoutArrivingWhileOthersWaitQueuesBehindThemEvenFromTheThreadThatJustReturnedOne() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(QueuePoolFixture.BOUND));
        ProxiedConnection holder = pool.checkout();
        List<Worker<Integer>> waiters = queueWaiters(pool, 2);

        holder.close();
        try (ProxiedConnection again = pool.checkout()) {
            served.add("returner");
            assertEquals(1, id(again));
        }

        waiters.forEach(Worker::join);
        assertEquals(List.of("waiter-0", "waiter-1", "returner"), served);
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

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.await;
import static org.poolkit.queuepool.internal.QueuePoolFixture.awaitWaiting;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.queuepool.internal.QueuePoolFixture.Counts;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;
import org.poolkit.core.Pools;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The checkout timeout at the pool's limit (SQLAlchemy behaviours 12–14): its exception and message, a zero timeout,
 * a wait that ends because a connection came back, and a wait that ends because the waiter was interrupted. The
 * timeouts here are short and real, because the timeout is what they test; everything else is coordinated.
 */
class QueuePoolTimeoutTest {

    private final StubDriver driver = new StubDriver();

    @ParameterizedTest(name = "timeout {0} ms")
    @CsvSource({"200, 0.20", "500, 0.50"})
    void checkoutAtTheLimitTimesOutAfterTheTimeoutNamingLimitsAndCounts(long millis, String shown)
            throws SQLException {
        Duration timeout = Duration.ofMillis(millis);
        Pool pool = queuePool(driver, settings(3, 0).withTimeout(timeout));
        checkout(pool, 3);

        long start = System.nanoTime();
        PoolTimeoutException e = assertThrows(PoolTimeoutException.class, pool::checkout);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(waited.compareTo(timeout) >= 0, "timed out after " + waited + ", before the timeout " + timeout);
        assertInstanceOf(SQLTransientConnectionException.class, e);
        assertEquals("08001", e.getSQLState());
        String message = e.getMessage();
        assertTrue(message.startsWith("QueuePool limit of size 3 overflow 0 reached, connection timed out, timeout "
                + shown), message);
        assertTrue(message.contains("queue-test"), "names the pool: " + message);
        assertTrue(message.contains("3 checked out, 0 idle, 0 waiting, 3 open"), "names the counts: " + message);
        assertEquals(counts(3, 0, 0, 3), counts(e.status()));
        assertEquals(counts(3, 0, 0, 3), counts(pool), "the failed checkout left nothing behind");
        assertEquals(0, pool.status().waiting());
        assertEquals(3, driver.connectAttempts());
    }

    /**
     * The wait is measured by the pool's clock, which the test moves. The sub-second case is behaviour 13, SQLAlchemy's
     * {@code test_timeout_subsecond_precision}: a timeout of 0.5 s is not over at 0.224 s and is over at 0.59 s.
     */
    @ParameterizedTest(name = "timeout {0}: waiting at {1}, timed out at {2}")
    @CsvSource({"PT1H, PT59M, PT61M, 3600.00", "PT0.5S, PT0.224S, PT0.59S, 0.50"})
    void timeoutIsMeasuredByThePoolsClockNotByTheWallClock(Duration timeout, Duration notYet, Duration past,
            String shown) throws Exception {
        FakeClock clock = new FakeClock();
        AtomicLong reads = new AtomicLong();
        LongSupplier countedClock = () -> {
            reads.incrementAndGet();
            return clock.nanoTime();
        };
        Pool pool = Pools.create("queue", driver, settings(1, 0).withTimeout(timeout), countedClock);
        pool.checkout();
        Worker<ProxiedConnection> waiter = Worker.start("waiter", pool::checkout);
        awaitWaiting(pool, 1);

        clock.advance(notYet);
        long readsBefore = reads.get();
        waiter.unpark();
        await(() -> reads.get() > readsBefore && waiter.isParked() || waiter.isDone(),
                "the waiter to read the clock and either park again or give up");
        assertFalse(waiter.isDone(), "a timeout of " + timeout + " is not over after " + notYet);
        clock.advance(past.minus(notYet));
        waiter.unpark();

        Throwable failure = waiter.failure();
        assertInstanceOf(PoolTimeoutException.class, failure);
        assertTrue(failure.getMessage().contains("timeout " + shown), failure.getMessage());
        assertEquals(counts(1, 0, 0, 1), counts(pool));
    }

    @Test
    void zeroTimeoutFailsAtOnceWhenThePoolIsAtItsLimit() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(Duration.ZERO));
        pool.checkout();

        long start = System.nanoTime();
        PoolTimeoutException e = assertThrows(PoolTimeoutException.class, pool::checkout);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(e.getMessage().startsWith(
                "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00"), e.getMessage());
        // Generous: "at once" only has to be far below any wait a user would configure.
        assertTrue(waited.compareTo(Duration.ofSeconds(1)) < 0, "a zero timeout waited " + waited);
        assertEquals(counts(1, 0, 0, 1), counts(pool));
        assertEquals(0, pool.status().waiting());
    }

    @Test
    void waitingCheckoutGetsTheConnectionThatComesBack() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0));
        ProxiedConnection holder = pool.checkout();
        StubConnection held = stub(holder);
        Worker<StubConnection> waiter = Worker.start("waiter", () -> QueuePoolFixture.useOnce(pool));
        awaitWaiting(pool, 1);
        assertFalse(waiter.isDone());

        holder.close();

        assertSame(held, waiter.join());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
        assertEquals(1, driver.opened());
    }

    @Test
    void interruptedWaiterGetsAnSqlExceptionKeepsItsInterruptAndLeavesTheCountsAlone() throws Exception {
        Pool pool = queuePool(driver, settings(1, 0));
        ProxiedConnection holder = pool.checkout();
        AtomicBoolean interruptedAfterwards = new AtomicBoolean();
        Worker<ProxiedConnection> waiter = Worker.start("waiter", () -> {
            try {
                return pool.checkout();
            } finally {
                interruptedAfterwards.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitWaiting(pool, 1);
        Counts before = counts(pool);

        waiter.interrupt();

        Throwable failure = waiter.failure();
        assertInstanceOf(SQLException.class, failure);
        assertFalse(failure instanceof PoolTimeoutException, "an interrupt is not a timeout: " + failure);
        assertTrue(interruptedAfterwards.get(), "the interrupt flag is set again");
        waiter.awaitEnd();
        assertEquals(before, counts(pool));
        assertEquals(0, pool.status().waiting());
        holder.close();
        assertEquals(counts(1, 1, 0, 0), counts(pool), "the returned connection was not handed to the gone waiter");
    }

    /**
     * SQLAlchemy's {@code test_timeout_race}: ten threads released together at a pool of 2 + 1 whose holders keep
     * their connections until everyone else gave up. Lock contention must not end any wait before the timeout.
     */
    @Test
    void underContentionNoCheckoutTimesOutBeforeTheTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Pool pool = queuePool(driver, settings(2, 1).withTimeout(timeout));
        int threads = 10;
        CyclicBarrier start = new CyclicBarrier(threads);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger served = new AtomicInteger();
        Queue<Duration> timedOutAfter = new ConcurrentLinkedQueue<>();
        List<Worker<Void>> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(Worker.start("contender-" + i, () -> {
                start.await();
                long begin = System.nanoTime();
                ProxiedConnection held;
                try {
                    held = pool.checkout();
                } catch (PoolTimeoutException e) {
                    timedOutAfter.add(Duration.ofNanos(System.nanoTime() - begin));
                    return null;
                }
                served.incrementAndGet();
                assertTrue(release.await(QueuePoolFixture.BOUND.toMillis(), TimeUnit.MILLISECONDS));
                held.close();
                return null;
            }));
        }
        await(() -> timedOutAfter.size() == threads - 3, "every contender without a connection to time out");
        release.countDown();
        workers.forEach(Worker::join);

        assertEquals(3, served.get());
        assertEquals(threads - 3, timedOutAfter.size());
        for (Duration waited : timedOutAfter) {
            assertTrue(waited.compareTo(timeout) >= 0, "a checkout timed out after " + waited + " < " + timeout);
        }
        assertEquals(counts(2, 2, 0, 0), counts(pool));
    }
}

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * What the queue pool tests share: pools on a {@link StubDriver}, SQLAlchemy's status tuple, background checkouts
 * and bounded waits. Each test confines its pool to itself; the helpers are stateless.
 */
final class QueuePoolFixture {

    /** A checkout timeout that no passing test reaches; a test that hangs fails at its bounded joins first. */
    static final Duration LONG_TIMEOUT = Duration.ofMinutes(5);
    /** SQLAlchemy's {@code timeout=None}: wait for ever. */
    static final Duration NO_TIMEOUT = Duration.ofSeconds(Long.MAX_VALUE);
    /** How long a test waits for another thread before it declares a hang. */
    static final Duration BOUND = Duration.ofSeconds(10);

    private QueuePoolFixture() {
    }

    /** @return queue pool settings with the given limits and a timeout that passing tests never reach */
    static PoolSettings settings(int poolSize, int maxOverflow) {
        return PoolSettings.defaults().withName("queue-test").withPoolSize(poolSize).withMaxOverflow(maxOverflow)
                .withTimeout(LONG_TIMEOUT);
    }

    static Pool queuePool(ConnectionCreator creator, PoolSettings settings) {
        return Pools.create(QueuePoolProvider.NAME, creator, settings);
    }

    static Pool queuePool(ConnectionCreator creator, PoolSettings settings, LongSupplier clock) {
        return Pools.create(QueuePoolProvider.NAME, creator, settings, clock);
    }

    // ---- SQLAlchemy's (size, checkedin, overflow, checkedout)

    /** SQLAlchemy's status tuple, as its tests assert it. */
    record Counts(int size, int checkedIn, int overflow, int checkedOut) {
    }

    static Counts counts(int size, int checkedIn, int overflow, int checkedOut) {
        return new Counts(size, checkedIn, overflow, checkedOut);
    }

    static Counts counts(Pool pool) {
        return counts(pool.status());
    }

    static Counts counts(PoolStatus status) {
        return new Counts(status.size(), status.checkedIn(), status.overflow(), status.checkedOut());
    }

    // ---- connections

    static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    /** @return the id of the driver connection behind the handle: 1, 2, 3... in the order the driver opened them */
    static int id(Connection handle) throws SQLException {
        return stub(handle).id();
    }

    /** Checks {@code n} connections out, one after another. */
    static List<ProxiedConnection> checkout(Pool pool, int n) throws SQLException {
        List<ProxiedConnection> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(pool.checkout());
        }
        return held;
    }

    static void closeAll(List<? extends Connection> handles) throws SQLException {
        for (Connection handle : handles) {
            handle.close();
        }
    }

    /** Checks a connection out and straight back in. @return the driver connection it had */
    static StubConnection useOnce(Pool pool) throws SQLException {
        try (ProxiedConnection handle = pool.checkout()) {
            return stub(handle);
        }
    }

    /**
     * Kills the driver connection and lets its holder find out, so that the pool invalidates it, checks it in and
     * recycles every older connection: SQLAlchemy's {@code pool._invalidate(connection)}.
     */
    static void disconnect(ProxiedConnection handle) throws SQLException {
        stub(handle).kill();
        assertThrows(SQLException.class, handle::createStatement);
        assertTrue(handle.isInvalidated(), "a disconnect error invalidates the handle");
    }

    /**
     * After a checkout failed on a pool of {@code pool.size} 1 and {@code max.overflow} 2 whose one entry was idle:
     * the entry is back in the pool, no connection is open, and once the database answers again every slot up to
     * the limit is checked out in turn. With a short timeout a lost slot fails this rather than hangs it.
     */
    static void assertSlotBackAndEverySlotReachable(Pool pool, StubDriver driver) throws SQLException {
        assertEquals(counts(1, 1, 0, 0), counts(pool), "overflow 0 and nothing checked out");
        assertEquals(0, driver.open());
        assertEquals(0, pool.status().open());
        driver.failConnect(null);
        checkout(pool, 1);
        assertEquals(counts(1, 0, 0, 1), counts(pool), "the pooled entry, reconnected");
        checkout(pool, 1);
        assertEquals(counts(1, 0, 1, 2), counts(pool), "and not overflow 2");
        checkout(pool, 1);
        assertEquals(counts(1, 0, 2, 3), counts(pool));
    }

    // ---- waiting without sleeping on hope

    /** Polls the condition until it holds; fails after {@link #BOUND}. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + BOUND.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Starts a checkout whose connect the driver holds at {@code gate}, and returns once it is held there; connects
     * after it are not held. The caller opens the gate.
     */
    static Worker<Integer> checkoutHeldAtTheGate(StubDriver driver, Pool pool, CountDownLatch gate) {
        driver.blockConnects(gate);
        Worker<Integer> connecting = Worker.checkoutAndReturn("connecting", pool);
        await(() -> driver.connectsInFlight() == 1, "the connect to be held at the gate");
        driver.blockConnects(null);
        return connecting;
    }

    static void awaitWaiting(Pool pool, int waiting) {
        await(() -> pool.status().waiting() == waiting, waiting + " checkouts waiting in " + pool.status());
    }

    /** A task on its own daemon thread, joined with a bound. */
    static final class Worker<T> {

        private final Thread thread;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        private Worker(String name, Callable<T> task) {
            thread = new Thread(() -> {
                try {
                    result.complete(task.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }, name);
            thread.setDaemon(true);
        }

        static <T> Worker<T> start(String name, Callable<T> task) {
            Worker<T> worker = new Worker<>(name, task);
            worker.thread.start();
            return worker;
        }

        /** A thread that checks a connection out, notes its driver connection's id, and checks it back in. */
        static Worker<Integer> checkoutAndReturn(String name, Pool pool) {
            return start(name, () -> id(useOnce(pool)));
        }

        boolean isDone() {
            return result.isDone();
        }

        /** @return whether the worker's thread is parked with a deadline, as a waiting checkout is */
        boolean isParked() {
            return thread.getState() == Thread.State.TIMED_WAITING || thread.getState() == Thread.State.WAITING;
        }

        /** @return whether the worker is inside the named method of the named class right now */
        boolean isIn(Class<?> type, String method) {
            for (StackTraceElement frame : thread.getStackTrace()) {
                if (frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method)) {
                    return true;
                }
            }
            return false;
        }

        void interrupt() {
            thread.interrupt();
        }

        /** @return whether the calling thread is the worker's */
        boolean isCurrent() {
            return Thread.currentThread() == thread;
        }

        /** Wakes the worker if it is parked, as a moved clock needs it to re-read the time. */
        void unpark() {
            LockSupport.unpark(thread);
        }

        /** @return what the task returned; fails if it threw or did not finish within {@link #BOUND} */
        T join() {
            try {
                return result.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(thread.getName() + " failed", e.getCause());
            } catch (TimeoutException e) {
                throw hung();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while joining " + thread.getName(), e);
            }
        }

        /** @return what the task threw; fails if it returned or did not finish within {@link #BOUND} */
        Throwable failure() {
            try {
                T value = result.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError(thread.getName() + " was expected to fail but returned " + value);
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                throw hung();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while joining " + thread.getName(), e);
            }
        }

        /** Waits for the thread itself to end, after its result is known. */
        void awaitEnd() throws InterruptedException {
            thread.join(BOUND.toMillis());
            if (thread.isAlive()) {
                throw hung();
            }
        }

        private AssertionError hung() {
            AssertionError error = new AssertionError(thread.getName() + " did not finish within "
                    + BOUND.toSeconds() + " s; its stack is this error's");
            error.setStackTrace(thread.getStackTrace());
            return error;
        }
    }
}

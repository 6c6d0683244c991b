package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The queue strategy's invariants under contention, inside the real engine: sixteen threads check connections out
 * of a pool of {@code pool.size} 2 and {@code max.overflow} 2 as fast as they can, and at every checkout
 *
 * <ul>
 * <li>no physical connection has two holders;</li>
 * <li>no more than four physical connections are open;</li>
 * <li>the connection comes reset: auto-commit on, no transaction, no statement left open, not read-only.</li>
 * </ul>
 *
 * Holders do a little work in between (statements closed and left open, transactions left open, read-only set),
 * now and then invalidate or soft-invalidate instead of just closing, and sometimes give up the processor while they
 * hold a connection: on a machine with two cores, sixteen threads that never did would rarely find the pool empty,
 * and the waiting and hand-over paths would go untested. The test fails if no checkout was ever seen waiting.
 *
 * <p>The run is cut into rounds. Between two rounds every worker has closed its connection, and the pool must have
 * closed its surplus: nothing checked out, nobody waiting, at most {@code pool.size} connections open. Each round
 * then starts with a rush of sixteen checkouts on at most two idle connections, so that surplus connections are
 * opened anew, often in slots granted to waiters, where a failing connect must pass the slot on.
 *
 * <p>One run hands connections out first in, first out, one last in, first out, and one has the creator fail one
 * connect in a hundred, which the caller must receive as that very exception. Afterwards every count adds up (one
 * rollback per checkin that found auto-commit off, no commit but the holders' own, one event per connect and per
 * close), and after {@code dispose()} every connection the driver ever opened is closed.
 *
 * <p>Each worker draws from its own seeded {@link Random}; the interleaving of threads is of course not repeatable.
 * Totals are printed for the record. No timing is asserted: the timeout only keeps a deadlock from hanging the build.
 */
class QueuePoolContentionTest {

    private static final int THREADS = 16;
    private static final int CHECKOUTS_PER_THREAD = 5_000;
    /** Rounds of the run; between rounds every thread has closed its connection, and the pool is quiet. */
    private static final int ROUNDS = 10;
    private static final int POOL_SIZE = 2;
    private static final int MAX_OVERFLOW = 2;
    private static final int LIMIT = POOL_SIZE + MAX_OVERFLOW;
    private static final long SEED = 0x5EED_2024L;
    /** Long enough that no checkout ever times out: a timeout here is a lost wake-up, and fails the test. */
    private static final Duration CHECKOUT_TIMEOUT = Duration.ofSeconds(30);
    private static final long JOIN_MILLIS = 60_000;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void fifoKeepsItsInvariantsUnderContention() throws Exception {
        new Run("fifo", false, 0).execute();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void lifoKeepsItsInvariantsUnderContention() throws Exception {
        new Run("lifo", true, 0).execute();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void failingConnectsReachTheCallerAndBreakNoInvariant() throws Exception {
        Run run = new Run("failing-connects", false, 1);
        run.execute();
        assertTrue(run.connectFailures.sum() > 0, "the creator failed some connects: " + run.connectFailures);
    }

    /** One pool, one driver, sixteen workers, and everything they counted. */
    private static final class Run {

        final String name;
        final int connectFailurePercent;
        final StubDriver driver = new StubDriver().recordCalls(false);
        final Pool pool;

        /** The physical connections held right now, by identity. */
        final Set<StubConnection> held = Collections.newSetFromMap(new ConcurrentHashMap<>());
        /** The connection each entry connected last, as the {@code connect} event told it. */
        final Map<PoolEntry, Connection> connectedBy = new ConcurrentHashMap<>();
        /** Every entry that ever connected: more than four means surplus entries were discarded and made anew. */
        final Set<PoolEntry> entries = ConcurrentHashMap.newKeySet();
        /** Connect failures the creator threw and no caller has received yet. */
        final Set<SQLException> injected = ConcurrentHashMap.newKeySet();
        final ThreadLocal<Random> workerRandom = new ThreadLocal<>();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Phaser rounds = new Phaser(THREADS);
        volatile boolean stop;

        final LongAdder checkouts = new LongAdder();
        final LongAdder connectFailures = new LongAdder();
        final LongAdder invalidations = new LongAdder();
        final LongAdder softInvalidations = new LongAdder();
        final LongAdder holderCommits = new LongAdder();
        final LongAdder expectedRollbacks = new LongAdder();
        final LongAdder invalidateEvents = new LongAdder();
        final LongAdder softInvalidateEvents = new LongAdder();
        final LongAdder connectEvents = new LongAdder();
        final LongAdder closeEvents = new LongAdder();
        final AtomicLong maxOpen = new AtomicLong();
        final AtomicLong maxOverflow = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong maxWaiting = new AtomicLong();
        final LongAdder statusSamples = new LongAdder();
        final LongAdder samplesWithWaiters = new LongAdder();

        Run(String name, boolean lifo, int connectFailurePercent) {
            this.name = name;
            this.connectFailurePercent = connectFailurePercent;
            PoolSettings settings = PoolSettings.defaults().withName("contention-" + name).withPoolSize(POOL_SIZE)
                    .withMaxOverflow(MAX_OVERFLOW).withTimeout(CHECKOUT_TIMEOUT).withUseLifo(lifo);
            ConnectionCreator creator = connectFailurePercent == 0 ? driver : this::failingConnect;
            pool = Pools.create("queue", creator, settings);
            pool.addListener(new Watcher());
        }

        /** The driver behind a creator that throws on a random share of connects, drawn from the worker's seed. */
        private Connection failingConnect(PoolEntry entry) throws SQLException {
            Random random = workerRandom.get();
            if (random != null && random.nextInt(100) < connectFailurePercent) {
                SQLException failure = new SQLException("injected connect failure", "08001");
                injected.add(failure);
                throw failure;
            }
            return driver.create(entry);
        }

        void execute() throws InterruptedException {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                int index = i;
                Thread worker = new Thread(() -> work(index, start), "contention-" + name + "-" + i);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            long started = System.nanoTime();
            start.countDown();
            joinAll(workers);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            PoolStatus after = pool.status();
            System.out.printf("QueuePoolContentionTest[%s]: %d threads, %d ms: %d checkouts, %d connects, "
                    + "%d injected connect failures, %d invalidations, %d soft invalidations, max open observed %d "
                    + "(limit %d), max overflow observed %d, max waiting observed %d (in %d of %d status samples), "
                    + "%d entries made; %s%n", name, THREADS, millis, checkouts.sum(), driver.opened(),
                    connectFailures.sum(), invalidations.sum(), softInvalidations.sum(), maxOpen.get(), LIMIT,
                    maxOverflow.get(), maxWaiting.get(), samplesWithWaiters.sum(), statusSamples.sum(),
                    entries.size(), after);

            rethrowFirstFailure();
            assertEquals((long) THREADS * CHECKOUTS_PER_THREAD, checkouts.sum() + connectFailures.sum(),
                    "every iteration either checked out or met an injected connect failure");
            assertEquals(Set.of(), injected, "every injected connect failure reached a caller");
            assertEquals(0, after.checkedOut(), () -> "nothing is checked out: " + after);
            assertEquals(0, after.waiting(), () -> "nobody waits: " + after);
            assertEquals(driver.open(), after.open(), () -> "the pool's open count is the driver's: " + after);
            assertTrue(driver.open() <= LIMIT, () -> "at most " + LIMIT + " open: " + driver);
            assertTrue(after.overflow() <= MAX_OVERFLOW, () -> "overflow at most " + MAX_OVERFLOW + ": " + after);
            assertTrue(maxOpen.get() <= LIMIT, "max open observed " + maxOpen.get());
            assertTrue(maxOverflow.get() <= MAX_OVERFLOW, "max overflow observed " + maxOverflow.get());
            assertTrue(samplesWithWaiters.sum() > 0, "no checkout was ever seen waiting: the test did not contend");
            assertTrue(entries.size() > LIMIT, "no surplus connection was ever opened after a quiet spell");
            assertEquals(invalidations.sum(), invalidateEvents.sum(),
                    "the only invalidations were the holders' own: no reset failed, no connection was found dead");
            assertEquals(softInvalidations.sum(), softInvalidateEvents.sum());
            assertEquals(driver.opened(), connectEvents.sum(), "one connect event per physical connection");
            List<StubConnection> all = driver.connections();
            assertEquals(0, all.stream().mapToLong(StubConnection::implicitCommits).sum(),
                    "the pool never committed a holder's transaction by turning auto-commit back on");
            assertEquals(holderCommits.sum(), all.stream().mapToLong(StubConnection::commits).sum(),
                    "the only commits were the holders' own");
            assertEquals(expectedRollbacks.sum(), all.stream().mapToLong(StubConnection::rollbacks).sum(),
                    "one rollback per checkin that found auto-commit off, and no other");

            pool.dispose();
            PoolStatus disposed = pool.status();
            assertEquals(0, driver.open(), () -> "dispose closed every idle connection: " + driver);
            assertEquals(0, disposed.open(), () -> "disposed: " + disposed);
            assertEquals(0, disposed.checkedOut(), () -> "disposed: " + disposed);
            for (StubConnection connection : all) {
                assertTrue(connection.isPhysicallyClosed(), () -> connection + " was left open");
            }
            assertEquals(driver.opened(), closeEvents.sum(), "one close event per physical connection");
            assertEquals(Map.of(), connectedBy, "every connection announced by connect was announced closed");
        }

        private void work(int index, CountDownLatch start) {
            Random random = new Random(SEED + index);
            workerRandom.set(random);
            try {
                start.await();
                for (int round = 0; round < ROUNDS && !stop; round++) {
                    for (int i = 0; i < CHECKOUTS_PER_THREAD / ROUNDS && !stop; i++) {
                        iteration(random, i);
                    }
                    rounds.arriveAndAwaitAdvance();
                    if (index == 0 && !stop) {
                        checkQuiet(round);
                    }
                    rounds.arriveAndAwaitAdvance();
                }
            } catch (Throwable e) {
                stop = true;
                failures.add(e);
            } finally {
                // A worker that stops early must not hold the others at the next round's barrier.
                rounds.arriveAndDeregister();
            }
        }

        /** Between rounds: every connection is back, and the surplus was closed on return to a full pool. */
        private void checkQuiet(int round) {
            PoolStatus status = pool.status();
            long open = openNow();
            if (status.checkedOut() != 0 || status.waiting() != 0 || status.open() != open || open > POOL_SIZE
                    || !held.isEmpty()) {
                throw new AssertionError("after round " + round + ", with every connection returned: " + status
                        + "; driver open " + open + ", held " + held);
            }
        }

        private void iteration(Random random, int iteration) throws SQLException {
            ProxiedConnection handle;
            try {
                handle = pool.checkout();
            } catch (SQLException e) {
                if (injected.remove(e)) {
                    connectFailures.increment();
                    return;
                }
                throw e;
            }
            checkouts.increment();
            try {
                StubConnection physical = physicalOf(handle);
                if (!held.add(physical)) {
                    throw new AssertionError("connection " + physical.id() + " has two holders");
                }
                boolean autoCommitOff;
                try {
                    checkAtCheckout(handle, physical);
                    if ((iteration & 63) == 0) {
                        checkStatus();
                    }
                    autoCommitOff = doSomeWork(handle, random);
                } finally {
                    held.remove(physical);
                }
                int dice = random.nextInt(100);
                if (dice == 0) {
                    invalidations.increment();
                    handle.invalidate();
                    return;
                }
                if (dice == 1) {
                    softInvalidations.increment();
                    handle.softInvalidate(null);
                }
                if (autoCommitOff) {
                    // JDBC-aware reset: one rollback exactly when the holder left auto-commit off, none otherwise.
                    expectedRollbacks.increment();
                }
            } finally {
                handle.close();
            }
        }

        private StubConnection physicalOf(ProxiedConnection handle) {
            PoolEntry entry = handle.entry();
            if (entry == null) {
                throw new AssertionError("checkout handed out a handle without an entry: " + handle);
            }
            Connection connection = entry.connection();
            if (connection == null) {
                throw new AssertionError("checkout handed out a handle whose entry has no connection, closed from "
                        + "birth: " + handle);
            }
            return (StubConnection) connection;
        }

        private void checkAtCheckout(ProxiedConnection handle, StubConnection physical) throws SQLException {
            long open = openNow();
            maxOpen.accumulateAndGet(open, Math::max);
            if (open > LIMIT) {
                throw new AssertionError(open + " physical connections open, limit " + LIMIT + "; " + driver);
            }
            if (connectedBy.get(handle.entry()) != physical) {
                throw new AssertionError("connection " + physical.id() + " is not the one its entry connected last");
            }
            if (physical.isPhysicallyClosed() || physical.inTransaction() || !physical.getAutoCommit()
                    || physical.isReadOnly() || physical.openStatements() != 0) {
                throw new AssertionError("checked out a connection that was not reset: " + physical + ", "
                        + physical.openStatements() + " open statements, readOnly=" + physical.isReadOnly());
            }
        }

        private void checkStatus() {
            PoolStatus status = pool.status();
            statusSamples.increment();
            if (status.waiting() > 0) {
                samplesWithWaiters.increment();
                maxWaiting.accumulateAndGet(status.waiting(), Math::max);
            }
            maxOverflow.accumulateAndGet(status.overflow(), Math::max);
            if (status.overflow() > MAX_OVERFLOW || status.checkedOut() > LIMIT) {
                throw new AssertionError("beyond the limits: " + status);
            }
        }

        /**
         * A little of what holders do, some of it left for the pool to clean up.
         *
         * @return whether the holder turned auto-commit off
         */
        private boolean doSomeWork(ProxiedConnection handle, Random random) throws SQLException {
            boolean autoCommitOff = false;
            switch (random.nextInt(8)) {
                case 0:
                case 1:
                    break;
                case 2:
                case 3:
                    try (Statement statement = handle.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                    break;
                case 4:
                    handle.createStatement().execute("SELECT 1");
                    break;
                case 5:
                    autoCommitOff = true;
                    handle.setAutoCommit(false);
                    try (PreparedStatement update = handle.prepareStatement("UPDATE t SET x = 1")) {
                        update.executeUpdate();
                    }
                    break;
                case 6:
                    autoCommitOff = true;
                    holderCommits.increment();
                    handle.setAutoCommit(false);
                    handle.prepareStatement("UPDATE t SET x = 2").executeUpdate();
                    handle.commit();
                    break;
                default:
                    handle.setReadOnly(true);
                    handle.createStatement().executeQuery("SELECT 1");
                    break;
            }
            // Hold the connection across a trip through the scheduler now and then, as a real query would.
            int pause = random.nextInt(16);
            if (pause == 0) {
                LockSupport.parkNanos(20_000);
            } else if (pause == 1) {
                Thread.yield();
            }
            return autoCommitOff;
        }

        /**
         * The driver's open count as of one instant. {@code StubDriver.open()} reads two counters one after the
         * other, so a close and an open between the reads could make it one too high; reading {@code closed} on
         * both sides of {@code opened} until it has not moved gives the true count at the moment of that read.
         */
        private long openNow() {
            while (true) {
                long closedBefore = driver.closed();
                long opened = driver.opened();
                if (driver.closed() == closedBefore) {
                    return opened - closedBefore;
                }
            }
        }

        private void joinAll(List<Thread> workers) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
            StringBuilder stuck = new StringBuilder();
            for (Thread worker : workers) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                worker.join(Math.max(1, left));
                if (worker.isAlive()) {
                    stuck.append('\n').append(worker.getName()).append(" still running:");
                    for (StackTraceElement frame : worker.getStackTrace()) {
                        stuck.append("\n    at ").append(frame);
                    }
                }
            }
            if (stuck.length() > 0) {
                stop = true;
                workers.forEach(Thread::interrupt);
                fail("workers did not finish within " + JOIN_MILLIS + " ms; " + pool.status() + stuck);
            }
        }

        private void rethrowFirstFailure() {
            Throwable first = failures.peek();
            if (first == null) {
                return;
            }
            AssertionError error = new AssertionError(failures.size() + " worker(s) failed; the first: " + first,
                    first);
            failures.stream().skip(1).limit(5).forEach(error::addSuppressed);
            throw error;
        }

        /** Counts the pool's events and keeps the entry-to-connection map the checkout check compares with. */
        private final class Watcher implements PoolEvents {

            @Override
            public void connect(Connection connection, PoolEntry entry) {
                connectEvents.increment();
                connectedBy.put(entry, connection);
                entries.add(entry);
            }

            @Override
            public void close(Connection connection, PoolEntry entry) {
                closeEvents.increment();
                connectedBy.remove(entry, connection);
            }

            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                invalidateEvents.increment();
            }

            @Override
            public void softInvalidate(Connection connection, PoolEntry entry, Throwable reason) {
                softInvalidateEvents.increment();
            }
        }
    }
}

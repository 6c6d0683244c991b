package org.poolkit.itests.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.Pool;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;

/**
 * Many threads checking out, holding for random times, running queries, leaving transactions open, invalidating and
 * throwing inside their work; the strategy's invariants ({@link StrategyRules}) checked after every checkout and
 * every checkin, and the server's count sampled meanwhile. Bounded in count and in time; the counts are returned.
 *
 * <p>One run per instance; the run's threads are its own and all end before {@link #run} returns.
 */
final class Stress {

    /** Server-side counts above the limit tolerated in a row: a closed session leaves the server's list late. */
    private static final int SERVER_SAMPLES_OVER_LIMIT = 5;

    /** What a run counted. */
    record Result(long checkouts, long invalidations, long thrown, long statementErrors, long openTransactions,
            long failuresSeen, long maxPoolOpen, long maxServerOpen, Duration took, List<String> violations) {

        long faults() {
            return invalidations + thrown + statementErrors;
        }
    }

    /** The server's count of the pool's connections. */
    @FunctionalInterface
    interface ServerCount {
        int get() throws SQLException;
    }

    private final Pool pool;
    private final CountingCreator counter;
    private final StrategyRules rules;
    private final String query;
    private final ServerCount server;

    private final AtomicLong remaining = new AtomicLong();
    private final AtomicLong checkouts = new AtomicLong();
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicLong thrown = new AtomicLong();
    private final AtomicLong statementErrors = new AtomicLong();
    private final AtomicLong openTransactions = new AtomicLong();
    private final AtomicLong failuresSeen = new AtomicLong();
    private final AtomicLong maxPoolOpen = new AtomicLong();
    private final AtomicLong maxServerOpen = new AtomicLong();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicInteger invalidating = new AtomicInteger();
    private final ConcurrentHashMap<Connection, Thread> holders = new ConcurrentHashMap<>();
    private final ReentrantLock oneHolder = new ReentrantLock();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private volatile boolean stop;

    /**
     * @param server the server's count of the pool's connections, or {@code null} where there is no server
     */
    Stress(Pool pool, CountingCreator counter, StrategyRules rules, String query, ServerCount server) {
        this.pool = pool;
        this.counter = counter;
        this.rules = rules;
        this.query = query;
        this.server = server;
    }

    Result run(int threads, long total, long seed, Duration limit) throws InterruptedException {
        remaining.set(total);
        long started = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = new SplittableRandom(seed + i);
            Thread worker = new Thread(() -> work(random), "stress-" + rules.strategy() + "-" + i);
            workers.add(worker);
            worker.start();
        }
        Thread monitor = server == null ? null : new Thread(this::sampleServer, "stress-server-count");
        if (monitor != null) {
            monitor.start();
        }
        long deadline = started + limit.toNanos();
        for (Thread worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (worker.isAlive()) {
                violation("not finished within " + limit + " after " + checkouts.get() + " checkouts");
                stop = true;
                worker.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        stop = true;
        if (monitor != null) {
            monitor.join();
        }
        return new Result(checkouts.get(), invalidations.get(), thrown.get(), statementErrors.get(),
                openTransactions.get(), failuresSeen.get(), maxPoolOpen.get(), maxServerOpen.get(),
                Duration.ofNanos(System.nanoTime() - started), List.copyOf(violations));
    }

    private void work(SplittableRandom random) {
        while (!stop && remaining.getAndDecrement() > 0) {
            if (rules.oneHolderAtATime()) {
                oneHolder.lock();
            }
            try {
                cycle(random);
            } catch (SQLException | RuntimeException e) {
                violation("checkout failed: " + e);
            } finally {
                if (rules.oneHolderAtATime()) {
                    oneHolder.unlock();
                }
            }
        }
    }

    private void cycle(SplittableRandom random) throws SQLException {
        ProxiedConnection connection = pool.checkout();
        checkouts.incrementAndGet();
        Connection physical = connection.entry().connection();
        if (holding.incrementAndGet() > 1 && rules.oneHolderAtATime()) {
            violation("two checkouts at once from a strategy that allows one");
        }
        if (rules.sharedConnection()) {
            // Another holder may have invalidated the shared connection already: by design, and felt by all.
            physical = null;
        } else if (physical == null) {
            violation("a checkout handed out an entry without a connection");
        } else if (holders.putIfAbsent(physical, Thread.currentThread()) != null) {
            violation("one connection, two holders: " + physical);
        }
        checkLimits();
        try {
            use(connection, random);
        } catch (DeliberateFailure e) {
            thrown.incrementAndGet();
        } catch (SQLException e) {
            failuresSeen.incrementAndGet();
            if (!rules.sharedConnection()) {
                // Nothing in this run breaks a connection its holder does not break itself.
                violation("a holder's own connection failed: " + e);
            }
        } finally {
            if (physical != null) {
                holders.remove(physical, Thread.currentThread());
            }
            holding.decrementAndGet();
            connection.close();
            checkLimits();
        }
    }

    /** The holder's work: a mix of nothing, queries, open transactions, statement errors, invalidation, throwing. */
    private void use(ProxiedConnection connection, SplittableRandom random) throws SQLException {
        if (random.nextInt(20) == 0) {
            LockSupport.parkNanos(random.nextLong(500_000));
        }
        int dice = random.nextInt(1000);
        if (dice < 2) {
            invalidations.incrementAndGet();
            invalidating.incrementAndGet();
            try {
                connection.invalidate(new IllegalStateException("stress: random invalidation"));
            } finally {
                invalidating.decrementAndGet();
            }
        } else if (dice < 12) {
            throw new DeliberateFailure();
        } else if (dice < 17) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT no_such_column FROM no_such_table");
                violation("a bad statement succeeded");
            } catch (SQLException expected) {
                statementErrors.incrementAndGet();
            }
        } else if (dice < 50) {
            connection.setAutoCommit(false);
            execute(connection);
            openTransactions.incrementAndGet();
        } else if (dice < 350) {
            execute(connection);
        }
    }

    private void execute(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(query);
        }
    }

    /**
     * The strategy's limit, on the driver connections counted from outside the pool, leaving out those the pool has
     * invalidated or begun to close, and those a holder is invalidating right now. The pool's own count includes
     * those until their close returns, so it is compared with the outside count when the run is quiet
     * ({@code StressTest}), and its maximum is reported.
     */
    private void checkLimits() {
        PoolStatus status = pool.status();
        maxPoolOpen.accumulateAndGet(status.open(), Math::max);
        long open = counter.openNotLeaving();
        // A connection being invalidated has left its entry before the invalidate event marks it: a co-holder of a
        // shared connection may already open the next one meanwhile.
        if (open > rules.maxOpen() + (long) invalidating.get()) {
            violation(open + " driver connections open, the strategy allows " + rules.maxOpen() + ": " + status);
        }
        if (status.checkedOut() < 0 || status.checkedIn() < 0) {
            violation("negative counts: " + status);
        }
    }

    private void sampleServer() {
        int overLimit = 0;
        while (!stop) {
            try {
                int open = server.get();
                maxServerOpen.accumulateAndGet(open, Math::max);
                overLimit = open > rules.maxOpen() ? overLimit + 1 : 0;
                if (overLimit == SERVER_SAMPLES_OVER_LIMIT) {
                    violation("the server lists " + open + " connections, " + SERVER_SAMPLES_OVER_LIMIT
                            + " samples in a row; the strategy allows " + rules.maxOpen());
                }
                Thread.sleep(50);
            } catch (SQLException e) {
                violation("counting on the server failed: " + e);
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void violation(String what) {
        if (violations.size() < 20) {
            violations.add(Thread.currentThread().getName() + ": " + what);
        }
    }

    /** What a holder throws on purpose inside its work. */
    private static final class DeliberateFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        DeliberateFailure() {
            super("stress: thrown inside the holder's work", null, false, false);
        }
    }
}

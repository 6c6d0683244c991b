package org.poolkit.shell.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

import org.poolkit.core.Urls;

/**
 * Threads that run small transactions against a data source until stopped: {@code getConnection()}, one tiny
 * statement ({@code VALUES 1} on Derby, {@code SELECT 1} elsewhere, chosen from {@code DatabaseMetaData}),
 * {@code commit()}, {@code close()}. It counts transactions and failures as it goes and times every
 * {@code getConnection()}. Used by {@code pool:load} and the demo.
 *
 * <p>Thread-safe: {@link #totals()} may be read from any thread while the workload runs; {@link #stop} is called once,
 * by the thread that started it.
 */
final class Workload {

    /**
     * The counts so far.
     *
     * @param transactions   transactions committed
     * @param failedCheckouts {@code getConnection()} calls that threw
     * @param failedStatements transactions that got a connection and then failed
     * @param firstFailure   the first failure's message, or null
     */
    record Totals(long transactions, long failedCheckouts, long failedStatements, String firstFailure) {

        long failures() {
            return failedCheckouts + failedStatements;
        }
    }

    private static final long FAILURE_PAUSE_NANOS = 1_000_000;

    private final DataSource dataSource;
    private final List<Worker> workers = new ArrayList<>();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder failedCheckouts = new LongAdder();
    private final LongAdder failedStatements = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean running = true;

    /**
     * Starts the threads at once.
     *
     * @param name       the threads' name prefix
     * @param dataSource where the connections come from
     * @param threads    how many threads, at least 1
     */
    Workload(String name, DataSource dataSource, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be 1 or more; was " + threads);
        }
        this.dataSource = dataSource;
        for (int i = 1; i <= threads; i++) {
            Worker worker = new Worker();
            Thread thread = new Thread(worker, name + "-" + i);
            // A shell that exits while a load runs must not be kept alive by it.
            thread.setDaemon(true);
            worker.thread = thread;
            workers.add(worker);
            thread.start();
        }
    }

    /** @return the counts now; under load, the three counts may be a few transactions apart */
    Totals totals() {
        return new Totals(transactions.sum(), failedCheckouts.sum(), failedStatements.sum(), firstFailure.get());
    }

    /**
     * Stops the threads after their current transaction and waits for them. An interrupt meanwhile (a second Ctrl-C)
     * does not cut the wait short: it is kept for the caller once every thread has ended. The threads themselves are
     * never interrupted: Derby, for one, closes the connection of a thread interrupted inside it.
     *
     * @param bound how long to wait for the threads to finish
     * @return every {@code getConnection()} latency recorded
     * @throws IllegalStateException when a thread did not finish within the bound (a connection that hangs)
     */
    LatencyRecorder stop(Duration bound) {
        running = false;
        long deadline = System.nanoTime() + bound.toNanos();
        LatencyRecorder all = new LatencyRecorder();
        boolean interrupted = false;
        try {
            for (Worker worker : workers) {
                interrupted |= awaitEnd(worker.thread, deadline, bound);
                all.add(worker.latencies);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return all;
    }

    /** @return whether the waiting thread was interrupted meanwhile */
    private static boolean awaitEnd(Thread thread, long deadline, Duration bound) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(thread.getName() + " did not finish within "
                        + Formats.seconds(bound) + " s: a transaction hangs");
            }
            try {
                thread.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /** @return the statement that costs the database least: Derby has no {@code SELECT} without {@code FROM} */
    static String statementFor(String productName) {
        String product = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (product.contains("derby")) {
            return "VALUES 1";
        }
        if (product.contains("oracle")) {
            return "SELECT 1 FROM DUAL";
        }
        return "SELECT 1";
    }

    private void failed(LongAdder counter, Exception e) {
        counter.increment();
        // Printed in the summary: a driver's message may quote the url, password and all.
        firstFailure.compareAndSet(null, e.getClass().getSimpleName() + ": " + Urls.shown(String.valueOf(
                e.getMessage()), null));
    }

    /** One thread's loop; its latencies are read only after the thread ended. */
    private final class Worker implements Runnable {

        private final LatencyRecorder latencies = new LatencyRecorder();
        private Thread thread;
        private String statement;

        @Override
        public void run() {
            while (running) {
                long start = System.nanoTime();
                Connection connection;
                try {
                    connection = dataSource.getConnection();
                } catch (SQLException | RuntimeException e) {
                    failed(failedCheckouts, e);
                    // A database that is down fails at once: do not spin a core on it.
                    LockSupport.parkNanos(FAILURE_PAUSE_NANOS);
                    continue;
                }
                latencies.record(System.nanoTime() - start);
                try (Connection held = connection) {
                    transaction(held);
                    transactions.increment();
                } catch (SQLException | RuntimeException e) {
                    failed(failedStatements, e);
                }
            }
        }

        private void transaction(Connection connection) throws SQLException {
            if (statement == null) {
                statement = statementFor(connection.getMetaData().getDatabaseProductName());
            }
            connection.setAutoCommit(false);
            try (Statement query = connection.createStatement(); ResultSet result = query.executeQuery(statement)) {
                result.next();
            }
            connection.commit();
        }
    }
}

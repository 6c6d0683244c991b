package org.poolkit.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEvents;
import org.poolkit.core.PoolConfig;
import org.poolkit.datasource.ManagedDataSource;
import org.poolkit.datasource.ManagedDataSource.State;

/**
 * The scripted demo: its own data source {@value #NAME} on an in-memory Derby database, made through Configuration
 * Admin; {@value #THREADS} threads of small transactions that run throughout; the strategy swapped queue → null →
 * static → threadlocal → queue and then {@code pool.size} changed, each through Configuration Admin as a file edit
 * would; a progress line; and a table of the phases: transactions, failed {@code getConnection()} (there must be
 * none), physical connections open at the phase's end (counted from the pools' events). The data source is deleted at
 * the end and every connection must then be closed.
 *
 * <p>Confined to the thread that runs it; the load runs on threads of its own.
 */
final class Demo {

    static final String NAME = "demo";
    static final String URL = "jdbc:derby:memory:demo;create=true";
    static final int THREADS = 8;
    static final int DEFAULT_PHASE_SECONDS = 4;
    static final int MAX_PHASE_SECONDS = 600;
    private static final int POOL_SIZE = 5;
    private static final int SMALLER_POOL_SIZE = 2;
    /** Derby's first boot in a fresh JVM takes a few seconds on a slow machine. */
    private static final Duration START_BOUND = Duration.ofSeconds(60);
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);

    /** One step: a configuration change (none for the first), then the load for a phase's length. */
    private record Step(String key, String value) {
    }

    private static final List<Step> STEPS = List.of(new Step(null, null),
            new Step(PoolConfig.STRATEGY, "null"),
            new Step(PoolConfig.STRATEGY, "static"),
            new Step(PoolConfig.STRATEGY, "threadlocal"),
            new Step(PoolConfig.STRATEGY, "queue"),
            new Step(PoolConfig.POOL_SIZE, String.valueOf(SMALLER_POOL_SIZE)));

    private final PoolAdmin admin;
    private final ConfigChanges changes;
    private final Duration phase;
    private final PrintStream out;
    private final boolean terminal;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param admin    what the demo acts through
     * @param phase    how long each phase runs
     * @param out      where the progress and the table go
     * @param terminal whether {@code out} is a terminal (the progress line is then rewritten in place)
     */
    Demo(PoolAdmin admin, Duration phase, PrintStream out, boolean terminal) {
        this.admin = admin;
        this.changes = new ConfigChanges(admin);
        this.phase = phase;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the demo to its end.
     *
     * @return 0 when no {@code getConnection()} failed and every check held, else 1
     * @throws CommandError when the demo cannot start (a data source {@value #NAME} exists, no driver takes Derby)
     */
    int run() throws IOException, InterruptedException {
        out.println("poolkit demo: " + THREADS + " threads of small transactions on " + URL + "; the strategy changes"
                + " every " + phase.toSeconds() + " s while they run");
        ConnectionCounter counter = new ConnectionCounter();
        ServiceRegistration<PoolEvents> listening = admin.listen(NAME, counter);
        Configuration configuration = null;
        try {
            configuration = admin.create(NAME, properties());
            DataSource dataSource = awaitActive();
            connectOnce(dataSource);
            Table table = new Table("PHASE", "STRATEGY", "POOL.SIZE", "TRANSACTIONS", "FAILED GETCONNECTION",
                    "FAILED TX", "OPEN AT END", "CHECK");
            runPhases(dataSource, counter, table);
            configuration.delete();
            configuration = null;
            awaitAllClosed(counter);
            out.println();
            table.print(out);
            out.println(counter.opened() + " physical connections opened in all; " + counter.open()
                    + " open after the data source was deleted");
            out.println(failures.isEmpty() ? "demo passed: no getConnection() failed and every check held"
                    : "demo FAILED: " + String.join("; ", failures));
            return failures.isEmpty() ? 0 : 1;
        } finally {
            if (configuration != null) {
                configuration.delete();
            }
            listening.unregister();
        }
    }

    private Hashtable<String, Object> properties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ManagedDataSource.DATA_SOURCE_NAME, NAME);
        properties.put(DataSourceFactory.JDBC_URL, URL);
        Map.Entry<String, String> driver = admin.driverFor(URL, null);
        properties.put(driver.getKey(), driver.getValue());
        properties.put(PoolConfig.STRATEGY, "queue");
        properties.put(PoolConfig.POOL_SIZE, String.valueOf(POOL_SIZE));
        return properties;
    }

    private DataSource awaitActive() throws InterruptedException {
        admin.await(NAME, found -> found.filter(dataSource -> dataSource.state() == State.ACTIVE).isPresent(),
                START_BOUND);
        ManagedDataSource managed = admin.find(NAME);
        return managed.dataSource().orElseThrow(() -> CommandError.of("data source '" + NAME + "' did not become "
                + "active within " + START_BOUND.toSeconds() + " s: " + Formats.state(managed)
                + managed.problem().map(problem -> ": " + problem).orElse("")));
    }

    /**
     * Opens and returns one connection before the load and the first phase's clock start: Derby creates the database
     * on the first connect, which can take longer than a phase on a busy machine.
     */
    private static void connectOnce(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.isValid(0);
        } catch (SQLException e) {
            throw CommandError.of("data source '" + NAME + "' cannot connect to " + URL + ": " + e.getMessage());
        }
    }

    private void runPhases(DataSource dataSource, ConnectionCounter counter, Table table)
            throws IOException, InterruptedException {
        Workload workload = new Workload("poolkit-demo", dataSource, THREADS);
        ProgressLine progress = new ProgressLine(out, terminal);
        try {
            for (int i = 0; i < STEPS.size(); i++) {
                Step step = STEPS.get(i);
                if (step.key() != null) {
                    ConfigChanges.Change change = changes.set(NAME, step.key(), step.value());
                    progress.end();
                    out.println(change);
                }
                Workload.Totals before = workload.totals();
                runPhase(i + 1, workload, counter, progress, before);
                Workload.Totals after = workload.totals();
                record(table, i + 1, after, before, counter.open());
            }
        } finally {
            workload.stop(STOP_BOUND);
            progress.end();
        }
    }

    private void runPhase(int number, Workload workload, ConnectionCounter counter, ProgressLine progress,
            Workload.Totals before) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + phase.toNanos();
        for (long now = start; now - end < 0; now = System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.SECONDS.toNanos(1), end - now));
            Workload.Totals totals = workload.totals();
            progress.update("phase " + number + "/" + STEPS.size() + " " + strategyNow() + ": "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + "/" + phase.toSeconds() + " s  tx "
                    + (totals.transactions() - before.transactions()) + "  failed getConnection "
                    + (totals.failedCheckouts() - before.failedCheckouts()) + "  open " + counter.open());
        }
    }

    private String strategyNow() {
        return admin.lookup(NAME).flatMap(ManagedDataSource::pool).map(Pool::strategy).orElse("-");
    }

    private void record(Table table, int number, Workload.Totals after, Workload.Totals before, int open) {
        Optional<Pool> pool = admin.lookup(NAME).flatMap(ManagedDataSource::pool);
        String strategy = pool.map(Pool::strategy).orElse("-");
        int size = pool.map(p -> p.settings().poolSize()).orElse(-1);
        long transactions = after.transactions() - before.transactions();
        long failedCheckouts = after.failedCheckouts() - before.failedCheckouts();
        long failedStatements = after.failedStatements() - before.failedStatements();
        List<String> problems = new ArrayList<>();
        if (failedCheckouts > 0) {
            problems.add(failedCheckouts + " getConnection() failed (" + after.firstFailure() + ")");
        }
        if (transactions == 0) {
            problems.add("no transaction committed");
        }
        String expectedStrategy = expectedStrategy(number);
        if (!strategy.equals(expectedStrategy)) {
            problems.add("ran on '" + strategy + "', not '" + expectedStrategy + "'");
        }
        String openCheck = openCheck(pool.orElse(null), open);
        if (openCheck != null) {
            problems.add(openCheck);
        }
        if (number == STEPS.size() && size != SMALLER_POOL_SIZE) {
            problems.add("pool.size is " + size + ", not " + SMALLER_POOL_SIZE);
        }
        for (String problem : problems) {
            failures.add("phase " + number + ": " + problem);
        }
        table.row(number, strategy, size, transactions, failedCheckouts, failedStatements, open,
                problems.isEmpty() ? "ok" : "FAILED");
    }

    private static String expectedStrategy(int number) {
        String strategy = "queue";
        for (Step step : STEPS.subList(0, number)) {
            if (PoolConfig.STRATEGY.equals(step.key())) {
                strategy = step.value();
            }
        }
        return strategy;
    }

    /**
     * @return what is wrong with the number of connections open at a phase's end, or null. A static pool has exactly
     *         one. A queue pool keeps at most {@code pool.size} idle beside those checked out, and never more than
     *         {@code pool.size + max.overflow}. A null or thread-local pool has no more than there are threads (the
     *         old pool's connections have all come back by then).
     */
    private static String openCheck(Pool pool, int open) {
        String strategy = pool == null ? "-" : pool.strategy();
        int limit;
        switch (strategy) {
            case "static":
                return open == 1 ? null : open + " connections open, a static pool has 1";
            case "queue":
                int size = pool.settings().poolSize();
                int overflow = pool.settings().maxOverflow();
                limit = overflow < 0 ? THREADS + size : Math.min(THREADS + size, size + overflow);
                break;
            default:
                limit = THREADS;
                break;
        }
        return open <= limit ? null : open + " connections open, more than the " + limit + " a " + strategy
                + " pool with " + THREADS + " threads may have";
    }

    private void awaitAllClosed(ConnectionCounter counter) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        while (counter.open() > 0 && System.nanoTime() - deadline < 0) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        if (counter.open() > 0) {
            failures.add(counter.open() + " connections still open " + STOP_BOUND.toSeconds()
                    + " s after the data source was deleted");
        }
    }
}

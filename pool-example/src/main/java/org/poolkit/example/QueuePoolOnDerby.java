package org.poolkit.example;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.Pools;

/**
 * The main job for now: a queue pool on embedded Derby, a workload of small transactions from several threads, and
 * the pool's status before and after. Exits non-zero if any transaction failed or the counts do not add up.
 *
 * <p>Arguments: {@code [threads] [transactions per thread]}, default 8 and 2000.
 */
public final class QueuePoolOnDerby {

    private static final String URL = "jdbc:derby:memory:poolkit-example;create=true";

    private QueuePoolOnDerby() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        PoolSettings settings = PoolSettings.defaults().withName("example").withPoolSize(4).withMaxOverflow(2)
                .withTimeout(Duration.ofSeconds(10)).withPrePing(true);
        Pool pool = Pools.create("queue", entry -> DriverManager.getConnection(URL), settings);
        ConnectCounter connects = new ConnectCounter();
        pool.addListener(connects);

        try (Connection connection = pool.checkout(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE orders (id INT GENERATED ALWAYS AS IDENTITY, worker INT)");
        }
        System.out.printf("poolkit %s pool '%s' on %s%n", pool.strategy(), pool.name(), URL);
        System.out.printf("settings: pool.size=%d max.overflow=%d timeout=%s pre.ping=%s reset.on.return=%s%n",
                settings.poolSize(), settings.maxOverflow(), settings.timeout(), settings.prePing(),
                settings.resetOnReturn());
        System.out.println("before: " + pool.status());

        long started = System.nanoTime();
        AtomicLong failures = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int worker = 0; worker < threads; worker++) {
            int id = worker;
            done.add(workers.submit(() -> work(pool, id, perThread, failures)));
        }
        for (Future<?> future : done) {
            future.get();
        }
        workers.shutdown();
        workers.awaitTermination(1, TimeUnit.MINUTES);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        long rows = countRows(pool);
        long expected = (long) threads * perThread;
        System.out.println("after:  " + pool.status());
        System.out.printf("%d threads x %d transactions in %d ms: %d committed, %d failed, %d physical connects%n",
                threads, perThread, millis, rows, failures.get(), connects.count.get());
        pool.dispose();
        System.out.println("disposed: " + pool.status());
        boolean ok = failures.get() == 0 && rows == expected && pool.status().open() == 0;
        System.out.println(ok ? "OK" : "FAILED: expected " + expected + " rows and no open connection");
        System.exit(ok ? 0 : 1);
    }

    private static void work(Pool pool, int worker, int transactions, AtomicLong failures) {
        for (int i = 0; i < transactions; i++) {
            try (Connection connection = pool.checkout()) {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (worker) VALUES (?)")) {
                    insert.setInt(1, worker);
                    insert.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                failures.incrementAndGet();
                e.printStackTrace();
            }
        }
    }

    private static long countRows(Pool pool) throws SQLException {
        try (Connection connection = pool.checkout(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM orders")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Counts physical connects, to show that the pool reuses connections. */
    private static final class ConnectCounter implements PoolEvents {

        final AtomicLong count = new AtomicLong();

        @Override
        public void connect(Connection connection, PoolEntry entry) {
            count.incrementAndGet();
        }
    }
}

package org.poolkit.benchmarks;

import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Real work: a small transaction per cycle on embedded, in-memory Derby — move one unit between two of
 * {@value #ACCOUNTS} accounts and read one back, then commit. The pool's share of the time is small here; the
 * benchmark shows whether that share still matters once a database does something.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class DerbyBench {

    static final int ACCOUNTS = 1_000;
    static final int POOL_SIZE = 8;
    private static final String DATABASE = "memory:poolkitbench";

    /** Which pool. */
    @Param({"queue", "hikari", "agroal"})
    public String pool;

    private DataSource dataSource;

    /** A Derby data source for the pools that take one; Agroal instantiates {@link BenchDerby} itself. */
    public static final class BenchDerby extends EmbeddedDataSource {

        private static final long serialVersionUID = 1L;

        /** The benchmark's in-memory database. */
        public BenchDerby() {
            setDatabaseName(DATABASE);
        }
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        // Derby's log would otherwise land in derby.log in the working directory: the checkout's root.
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file",
                    Paths.get(System.getProperty("java.io.tmpdir"), "poolkit-benchmarks-derby.log").toString());
        }
        BenchDerby creator = new BenchDerby();
        creator.setCreateDatabase("create");
        try (Connection connection = creator.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account VALUES (?, 0)")) {
                for (int id = 0; id < ACCOUNTS; id++) {
                    insert.setInt(1, id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        dataSource = Contenders.open(pool, POOL_SIZE, BenchDerby::new, BenchDerby.class);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        Contenders.close(dataSource);
        BenchDerby dropper = new BenchDerby();
        // Dropped, not only shut down: the next trial may run in the same JVM (smoke runs do).
        dropper.setConnectionAttributes("drop=true");
        try {
            dropper.getConnection().close();
        } catch (SQLException expected) {
            // Derby reports a completed drop as an exception.
        }
    }

    /** Transfers one unit between two random accounts, reads the payer's balance back, commits. */
    @Benchmark
    public long transaction() throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int from = random.nextInt(ACCOUNTS);
        int to = random.nextInt(ACCOUNTS);
        // Rows are locked in id order, so that two transfers between the same accounts cannot deadlock.
        int first = Math.min(from, to);
        int second = Math.max(from, to);
        long firstDelta = first == from ? -1 : 1;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement move = connection.prepareStatement(
                    "UPDATE account SET balance = balance + ? WHERE id = ?")) {
                move.setLong(1, firstDelta);
                move.setInt(2, first);
                move.executeUpdate();
                move.setLong(1, -firstDelta);
                move.setInt(2, second);
                move.executeUpdate();
            }
            long balance;
            try (PreparedStatement read = connection.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
                read.setInt(1, from);
                try (ResultSet rows = read.executeQuery()) {
                    rows.next();
                    balance = rows.getLong(1);
                }
            }
            connection.commit();
            return balance;
        }
    }
}

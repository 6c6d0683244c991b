package org.poolkit.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HikariCP-benchmark's two cycles, on the same ground for every pool: what a pool costs per borrow and return, and
 * per borrow, one query and return. The lean driver does no I/O, so the scores are the pools' own overhead.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CycleBench {

    /** {@code getConnection()} then {@code close()}. */
    @Benchmark
    public void connectionCycle(PoolState state, Blackhole blackhole) throws SQLException {
        Connection connection = state.dataSource.getConnection();
        blackhole.consume(connection);
        connection.close();
    }

    /** {@code getConnection()}, {@code prepareStatement}, {@code executeQuery}, {@code next()}, close all. */
    @Benchmark
    public void statementCycle(PoolState state, Blackhole blackhole) throws SQLException {
        try (Connection connection = state.dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT 1");
                ResultSet rows = statement.executeQuery()) {
            blackhole.consume(rows.next());
        }
    }
}

package org.poolkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@value #THREADS} virtual threads sharing {@value #POOL_SIZE} connections, each doing {@value #CYCLES} connection
 * cycles; the score counts cycles. Needs a JDK with virtual threads (21+): the sources are Java 17, so the executor is
 * looked up by reflection, and on an older JDK the trial fails at setup with a message saying so.
 *
 * <p>Why not JMH's own virtual-thread executor ({@code -Djmh.executor=VIRTUAL}): its workers wait for each other
 * at iteration boundaries by spinning, and a thousand spinning virtual threads on two carriers starve the ones that
 * hold connections, so iterations hang. Here one JMH thread starts and joins the virtual threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class VirtualThreadBench {

    static final int THREADS = 1_000;
    static final int POOL_SIZE = 16;
    static final int CYCLES = 20;

    /** Which pool. */
    @Param({"queue", "hikari", "agroal"})
    public String pool;

    private DataSource dataSource;
    private Callable<ExecutorService> executors;

    @Setup(Level.Trial)
    public void open() throws Exception {
        executors = virtualThreadExecutors();
        dataSource = Contenders.open(pool, POOL_SIZE);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        Contenders.close(dataSource);
    }

    /** Every virtual thread checks a connection out and in {@value #CYCLES} times. */
    @Benchmark
    @OperationsPerInvocation(THREADS * CYCLES)
    public void virtualThreadCycle() throws Exception {
        ExecutorService executor = executors.call();
        List<Future<Void>> done = new ArrayList<>(THREADS);
        try {
            for (int i = 0; i < THREADS; i++) {
                done.add(executor.submit(this::cycles));
            }
        } finally {
            executor.shutdown();
        }
        for (Future<Void> each : done) {
            try {
                each.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a virtual thread's cycle failed", e.getCause());
            }
        }
    }

    private Void cycles() throws SQLException {
        for (int i = 0; i < CYCLES; i++) {
            Connection connection = dataSource.getConnection();
            connection.close();
        }
        return null;
    }

    private static Callable<ExecutorService> virtualThreadExecutors() {
        try {
            java.lang.reflect.Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return () -> (ExecutorService) factory.invoke(null);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Java " + Runtime.version().feature() + " has no virtual threads; run "
                    + "this benchmark on JDK 21 or newer (Suite's --vt-java)", e);
        }
    }
}

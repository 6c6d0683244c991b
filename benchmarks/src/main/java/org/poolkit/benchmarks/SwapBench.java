package org.poolkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

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
import org.openjdk.jmh.infra.Blackhole;
import org.poolkit.benchmarks.driver.LeanDataSource;
import org.poolkit.core.SwappableDataSource;

/**
 * The live swap's cost to the threads that keep checking out: {@code getConnection()} latency percentiles through a
 * {@link SwappableDataSource} over the lean driver, while a background thread switches the strategy round-robin
 * ({@code queue}, {@code null}, {@code static}, {@code threadlocal}, and again) every {@value #SWAP_PERIOD_MS} ms, and
 * the same without switching (queue throughout). Every swap builds a fresh pool, so the swapping trial also pays for
 * the new pools' first connects and the old ones closing their connections as they come back.
 *
 * <p>A {@code getConnection()} that fails is counted, and the trial fails at its end if any did: the swap promises
 * that none does.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SwapBench {

    /** Every pool's size. */
    public static final int POOL_SIZE = 8;
    /** How often the strategy is switched when {@link #swapping}. */
    public static final long SWAP_PERIOD_MS = 5;
    static final List<String> ROUND = List.of("queue", "null", "static", "threadlocal");

    /** Whether the strategy is switched every {@value #SWAP_PERIOD_MS} ms while the benchmark threads check out. */
    @Param({"false", "true"})
    public boolean swapping;

    private final LeanDataSource target = new LeanDataSource();
    private final LongAdder swaps = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private SwappableDataSource dataSource;
    private volatile boolean running;
    private Thread swapper;

    @Setup(Level.Trial)
    public void open() {
        dataSource = new SwappableDataSource("bench-swap", Contenders.poolkitPool(ROUND.get(0), POOL_SIZE, target));
        if (swapping) {
            running = true;
            swapper = new Thread(this::swapRoundRobin, "bench-swapper");
            swapper.setDaemon(true);
            swapper.start();
        }
    }

    private void swapRoundRobin() {
        long period = TimeUnit.MILLISECONDS.toNanos(SWAP_PERIOD_MS);
        for (int next = 1; running; next = (next + 1) % ROUND.size()) {
            LockSupport.parkNanos(period);
            try {
                dataSource.swap(Contenders.poolkitPool(ROUND.get(next), POOL_SIZE, target));
                swaps.increment();
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
        if (swapper != null) {
            running = false;
            LockSupport.unpark(swapper);
            swapper.join(TimeUnit.SECONDS.toMillis(10));
            if (swapper.isAlive()) {
                fail(new IllegalStateException("the swapping thread did not stop within 10 s"));
            }
        }
        dataSource.close();
        System.out.println("swapping=" + swapping + ": " + swaps.sum() + " swaps, " + failures.sum() + " failures");
        if (failures.sum() > 0) {
            throw new IllegalStateException(failures.sum() + " getConnection() calls or swaps failed during the trial"
                    + " (swapping=" + swapping + "); the first", firstFailure.get());
        }
    }

    /** {@code getConnection()} then {@code close()}; the sample is the whole cycle. */
    @Benchmark
    public void swapCycle(Blackhole blackhole) {
        try (Connection connection = dataSource.getConnection()) {
            blackhole.consume(connection);
        } catch (SQLException | RuntimeException e) {
            // Counted rather than thrown so the trial runs to its end and reports how many failed.
            fail(e);
        }
    }

    private void fail(Throwable e) {
        failures.increment();
        firstFailure.compareAndSet(null, e);
    }
}

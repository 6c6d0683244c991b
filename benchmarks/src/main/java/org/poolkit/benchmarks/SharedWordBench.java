package org.poolkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.poolkit.benchmarks.driver.LeanDataSource;

/**
 * Not pools: the least work a checkout and checkin of {@code static}'s one shared connection, and of
 * {@code threadlocal}'s per-thread one, must do, beside the unpooled floor, to show where "within 2× of the floor"
 * lies before any pool logic (entry checks, reset, the JDBC handle's fields, leak detection). The
 * last holder's checkin resets the connection, so a checkout must count itself in against a racing last checkin, and
 * a checkin count itself out against a racing checkout: one atomic read-modify-write of one shared word each way.
 * The handle each holder gets is an allocation, as the floor's new connection is. With several threads, every cycle
 * moves that word's cache line between cores, while the floor's threads share nothing but a striped counter.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar SharedWordBench -t N}; compare within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SharedWordBench {

    private final LeanDataSource lean = new LeanDataSource();
    private final AtomicInteger holders = new AtomicInteger();
    private final ThreadLocal<AtomicInteger> threadHolders = ThreadLocal.withInitial(AtomicInteger::new);

    /** The unpooled floor, as in {@link CycleBench#connectionCycle}. */
    @Benchmark
    public void floor(Blackhole blackhole) throws SQLException {
        Connection connection = lean.getConnection();
        blackhole.consume(connection);
        connection.close();
    }

    /** Count in, hand out a handle, count out: a shared connection's checkout and checkin with nothing else. */
    @Benchmark
    public void sharedWord(Blackhole blackhole) {
        holders.incrementAndGet();
        blackhole.consume(new Object());
        holders.decrementAndGet();
    }

    /**
     * Find the thread's own connection and claim it, hand out a handle, let it go: a {@code threadlocal} checkout and
     * checkin with nothing else. The claim is atomic because another thread may discard the connection (dispose, a
     * surplus, a leak taken back); letting go is an ordered store.
     */
    @Benchmark
    public void threadWord(Blackhole blackhole) {
        AtomicInteger mine = threadHolders.get();
        mine.compareAndSet(0, 1);
        blackhole.consume(new Object());
        mine.lazySet(0);
    }
}

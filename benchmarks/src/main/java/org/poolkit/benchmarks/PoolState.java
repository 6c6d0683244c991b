package org.poolkit.benchmarks;

import javax.sql.DataSource;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One pool over the lean driver, shared by every benchmark thread of a trial. The thread count comes from the run
 * ({@code -t}); with {@code maxPoolSize} 4 and 8 threads, threads contend for connections.
 */
@State(Scope.Benchmark)
public class PoolState {

    /** Which pool; {@code unpooled} is the lean data source itself. */
    @Param({"queue", "static", "threadlocal", "null", "hikari", "agroal", "dbcp2", "tomcat", "vibur", "c3p0",
        "unpooled"})
    public String pool;

    /** The pool's fixed size. */
    @Param({"32", "4"})
    public int maxPoolSize;

    DataSource dataSource;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dataSource = Contenders.open(pool, maxPoolSize);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        Contenders.close(dataSource);
    }
}

package org.poolkit.testkit;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.PoolEntry;

/**
 * A fake JDBC driver without I/O: the switchboard and the counters of a family of {@link StubConnection}s.
 *
 * <p>Tests give it to a pool as its {@link ConnectionCreator}, or as a {@link DataSource} through
 * {@link #asDataSource()}; they break connects and executions on command and assert on the counters afterwards.
 * Switches can be flipped at any time from any thread and affect the calls that read them afterwards; switch
 * setters return {@code this} so that a driver can be set up in one expression. Counters and
 * {@link #connections()} cover the driver's whole life: a test that needs fresh counts makes a new driver, and
 * {@link #reset()} returns only the switches to their defaults.
 *
 * <p>Benchmarks use it as a driver without I/O: with {@link #recordCalls(boolean) recordCalls(false)} the path of
 * a checkout takes no lock and allocates nothing beyond the objects JDBC itself returns. Every connection ever
 * opened stays reachable from the driver, so a benchmark should not open connections without bound.
 *
 * <p>It is not a {@link java.sql.Driver} and is never registered with {@code DriverManager}.
 *
 * <p>Thread-safe.
 */
public final class StubDriver implements ConnectionCreator {

    /** A fault that fails the next {@code remaining} connects; immutable, replaced by CAS as it is used up. */
    private record CountedFault(int remaining, SQLException error) {
    }

    private final AtomicInteger lastId = new AtomicInteger();
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    // One counter rather than opened - closed: two reads would let a close and an open fall between them.
    private final AtomicLong open = new AtomicLong();
    private final AtomicInteger connectsInFlight = new AtomicInteger();
    private final Queue<StubConnection> connections = new ConcurrentLinkedQueue<>();
    private final AtomicReference<CountedFault> countedConnectFault = new AtomicReference<>();
    private final DataSource dataSource = new StubDataSource();

    private volatile SQLException connectFault;
    private volatile CountDownLatch connectGate;
    private volatile SQLException executeFault;
    private volatile boolean defaultAutoCommit = true;
    private volatile boolean recordCalls = true;
    private volatile int resultRows = 1;

    /**
     * Opens a new stub connection, unless a switch says otherwise. In order: counts the attempt (so a test sees it
     * at once), waits for the gate of {@link #blockConnects(CountDownLatch)} if one is set, then throws the fault of
     * {@link #failConnect(SQLException)} or of {@link #failConnectTimes(int, SQLException)} if one is set. Faults are
     * read after the gate opens, so a test can decide the fate of a connect it holds in flight.
     *
     * @param entry the pool entry the connection is for, kept as {@link StubConnection#entry()}; may be {@code null}
     * @return a new open connection with the next id (1, 2, 3…)
     * @throws SQLException the fault the test set, as the very instance it set; or SQLState 08001 if the thread was
     *                      interrupted while it waited at the gate (its interrupt flag is set again)
     */
    @Override
    public StubConnection create(PoolEntry entry) throws SQLException {
        connectAttempts.incrementAndGet();
        connectsInFlight.incrementAndGet();
        try {
            awaitGate();
            SQLException fault = takeConnectFault();
            if (fault != null) {
                throw fault;
            }
            StubConnection connection = new StubConnection(this, lastId.incrementAndGet(), entry, defaultAutoCommit);
            connections.add(connection);
            opened.incrementAndGet();
            open.incrementAndGet();
            return connection;
        } finally {
            connectsInFlight.decrementAndGet();
        }
    }

    /**
     * @return a data source whose {@code getConnection()} (with or without credentials, which it ignores) is
     *         {@link #create(PoolEntry) create(null)}; always the same instance. It unwraps to this driver
     */
    public DataSource asDataSource() {
        return dataSource;
    }

    // ---- switches

    /**
     * Makes every connect throw {@code error} until it is cleared. Takes precedence over
     * {@link #failConnectTimes(int, SQLException)}, whose count it leaves untouched.
     *
     * @param error the exception to throw, or {@code null} to clear
     * @return this driver
     */
    public StubDriver failConnect(SQLException error) {
        connectFault = error;
        return this;
    }

    /**
     * Makes the next {@code times} connects throw {@code error}; the connects after them succeed again. Replaces a
     * count set before.
     *
     * @param times how many connects fail; 0 clears the count
     * @param error the exception to throw; may be {@code null} only when {@code times} is 0
     * @return this driver
     */
    public StubDriver failConnectTimes(int times, SQLException error) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative: " + times);
        }
        countedConnectFault.set(times == 0 ? null : new CountedFault(times, Objects.requireNonNull(error, "error")));
        return this;
    }

    /**
     * Holds every connect at {@code gate} until the gate opens, so that a test can keep a connect in flight as long
     * as it needs without sleeping. Connects already waiting keep waiting on the gate they found, even after the
     * gate is replaced or cleared: count it down to release them.
     *
     * @param gate the latch connects wait on, or {@code null} to stop holding new connects
     * @return this driver
     * @see #connectsInFlight()
     */
    public StubDriver blockConnects(CountDownLatch gate) {
        connectGate = gate;
        return this;
    }

    /**
     * Makes every statement execution on every connection of this driver throw {@code error}, as a connection's
     * own {@link StubConnection#failExecuteWith(SQLException)} does; the connection's own fault wins when both are
     * set.
     *
     * @param error the exception to throw, or {@code null} to clear
     * @return this driver
     */
    public StubDriver failExecuteWith(SQLException error) {
        executeFault = error;
        return this;
    }

    /**
     * @param autoCommit the auto-commit mode of connections opened from now on; {@code true} by default, as JDBC
     *                   requires of real drivers
     * @return this driver
     */
    public StubDriver defaultAutoCommit(boolean autoCommit) {
        defaultAutoCommit = autoCommit;
        return this;
    }

    /**
     * @param record whether connections append to their {@link StubConnection#calls() call log}; {@code true} by
     *               default. Benchmarks turn it off: then nothing is appended and nothing is allocated for it
     * @return this driver
     */
    public StubDriver recordCalls(boolean record) {
        recordCalls = record;
        return this;
    }

    /**
     * @param rows how many rows each query returns from now on; 1 by default, 0 allowed
     * @return this driver
     */
    public StubDriver resultRows(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
        resultRows = rows;
        return this;
    }

    /**
     * Returns every switch of this driver to its value in a new driver: no connect or execute faults, no gate,
     * auto-commit on, calls recorded, one row per query. Counters, connections and the switches of each
     * connection stay as they are.
     *
     * @return this driver
     */
    public StubDriver reset() {
        connectFault = null;
        countedConnectFault.set(null);
        connectGate = null;
        executeFault = null;
        defaultAutoCommit = true;
        recordCalls = true;
        resultRows = 1;
        return this;
    }

    // ---- counters

    /** @return how many times {@link #create(PoolEntry)} was called, failed and held calls included */
    public long connectAttempts() {
        return connectAttempts.get();
    }

    /** @return how many connects are inside {@link #create(PoolEntry)} now, for instance held at the gate */
    public int connectsInFlight() {
        return connectsInFlight.get();
    }

    /** @return how many connections were opened */
    public long opened() {
        return opened.get();
    }

    /** @return how many connections were closed or aborted, each counted once however often it was closed */
    public long closed() {
        return closed.get();
    }

    /** @return how many physical connections are open now, at one instant: {@link #opened()} minus {@link #closed()} */
    public long open() {
        return open.get();
    }

    /** @return a snapshot of every connection this driver opened, in the order of their ids */
    public List<StubConnection> connections() {
        List<StubConnection> snapshot = new ArrayList<>(connections);
        // Concurrent connects may append out of id order.
        snapshot.sort(Comparator.comparingInt(StubConnection::id));
        return List.copyOf(snapshot);
    }

    /**
     * @param names the calls of interest, such as {@code "rollback"} and {@code "close"}
     * @return those calls from the {@link StubConnection#calls() call logs} of all {@link #connections()}: the first
     *         connection's in the order it received them, then the second's, and so on
     */
    public List<String> calls(String... names) {
        List<String> wanted = List.of(names);
        List<String> calls = new ArrayList<>();
        for (StubConnection connection : connections()) {
            for (String call : connection.calls()) {
                if (wanted.contains(call)) {
                    calls.add(call);
                }
            }
        }
        return calls;
    }

    @Override
    public String toString() {
        return "StubDriver[opened=" + opened.get() + ", closed=" + closed.get()
                + ", connectAttempts=" + connectAttempts.get() + ", connectsInFlight=" + connectsInFlight.get() + "]";
    }

    // ---- for the connections

    boolean recordsCalls() {
        return recordCalls;
    }

    int resultRows() {
        return resultRows;
    }

    SQLException executeFault() {
        return executeFault;
    }

    void connectionClosed() {
        open.decrementAndGet();
        closed.incrementAndGet();
    }

    // ---- private

    private void awaitGate() throws SQLException {
        CountDownLatch gate = connectGate;
        if (gate == null) {
            return;
        }
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("stub connect interrupted while held at the gate", "08001", e);
        }
    }

    private SQLException takeConnectFault() {
        SQLException fault = connectFault;
        if (fault != null) {
            return fault;
        }
        while (true) {
            CountedFault counted = countedConnectFault.get();
            if (counted == null) {
                return null;
            }
            CountedFault next = counted.remaining() == 1
                    ? null : new CountedFault(counted.remaining() - 1, counted.error());
            if (countedConnectFault.compareAndSet(counted, next)) {
                return counted.error();
            }
        }
    }

    /** The face of the driver as a plain data source. Thread-safe. */
    private final class StubDataSource implements DataSource {

        private volatile PrintWriter logWriter;
        private volatile int loginTimeout;

        @Override
        public StubConnection getConnection() throws SQLException {
            return create(null);
        }

        @Override
        public StubConnection getConnection(String username, String password) throws SQLException {
            return create(null);
        }

        @Override
        public PrintWriter getLogWriter() {
            return logWriter;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            logWriter = out;
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw StubErrors.notSupported("DataSource.getParentLogger");
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            if (iface.isInstance(StubDriver.this)) {
                return iface.cast(StubDriver.this);
            }
            throw new SQLException("stub data source does not wrap " + iface.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this) || iface.isInstance(StubDriver.this);
        }

        @Override
        public String toString() {
            return "StubDataSource[" + StubDriver.this + "]";
        }
    }
}

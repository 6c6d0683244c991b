package org.poolkit.testkit;

import java.sql.Array;
import java.sql.Blob;
import java.sql.ClientInfoStatus;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Struct;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.poolkit.api.PoolEntry;

/**
 * A physical connection of a {@link StubDriver}: keeps its JDBC state in memory, counts the calls a pool cares about,
 * and fails on command.
 *
 * <p>It honours the JDBC rules a pool's correctness depends on:
 * <ul>
 * <li>{@link #commit()} and {@link #rollback()} in auto-commit mode throw SQLState 25000;</li>
 * <li>{@link #setAutoCommit(boolean) setAutoCommit(true)} inside a transaction commits it, counted by
 *     {@link #implicitCommits()} and not by {@link #commits()}; a change that does not change the mode is a no-op;</li>
 * <li>a transaction is open from the first statement executed with auto-commit off until commit or rollback
 *     ({@link #inTransaction()}); like PostgreSQL, isolation and read-only cannot change while it is open
 *     (SQLState 25001), so a pool that restores them before it rolls back is caught;</li>
 * <li>after {@link #close()} or {@link #abort(Executor)} every call throws SQLState 08003, except {@code close()}
 *     (a no-op), {@code isClosed()}, {@code isValid(int)} (false) and {@code abort} (a no-op);</li>
 * <li>statements are closed with their connection: they throw 08003 too, though {@link #openStatements()} counts
 *     only statements closed by their own {@code close()}, so a test can tell whether the pool closed them.</li>
 * </ul>
 * Closing does not end an open transaction: {@link #inTransaction()} still tells whether the pool closed the
 * connection in the middle of one.
 *
 * <p>Faults are set per connection and stay until cleared with {@code null} (or {@code false}); the test passes the
 * exception to throw and gets that very instance back. After {@link #kill()} the connection behaves like one whose
 * backend died: every call throws {@link java.sql.SQLNonTransientConnectionException} with SQLState 08006, except
 * {@code close()}, {@code abort}, {@code isClosed()} (false until closed) and {@code isValid(int)} (false).
 * {@code unwrap} and {@code isWrapperFor} always work: they do not touch the backend.
 *
 * <p>The counters count calls as they arrive, calls that throw included; so does the call log {@link #calls()}, in
 * which each of rollback, commit, close, abort, isValid, setAutoCommit, setTransactionIsolation, setReadOnly,
 * setCatalog, setSchema, setNetworkTimeout, beginRequest, endRequest, createStatement, prepareStatement and
 * prepareCall appends its method name, unless the driver's {@link StubDriver#recordCalls(boolean)} is off.
 *
 * <p>Thread-safe: state is volatile and counters atomic, so tests may read them, flip faults or {@link #kill()} from
 * any thread while a pool thread uses the connection. Like a real connection it is meant for one user at a time;
 * two threads changing the same property at once race as they would on a real driver.
 */
public final class StubConnection implements Connection {

    private final StubDriver driver;
    private final int id;
    private final PoolEntry entry;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Queue<String> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, String> clientInfo = new ConcurrentHashMap<>();

    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong implicitCommits = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong isValidCalls = new AtomicLong();
    private final AtomicLong setAutoCommitCalls = new AtomicLong();
    private final AtomicInteger openStatements = new AtomicInteger();

    private volatile boolean autoCommit;
    private volatile boolean inTransaction;
    private volatile int transactionIsolation = TRANSACTION_READ_COMMITTED;
    private volatile boolean readOnly;
    private volatile String catalog = "stub";
    private volatile String schema = "PUBLIC";
    private volatile int networkTimeout;
    private volatile int holdability = ResultSet.CLOSE_CURSORS_AT_COMMIT;
    private volatile Map<String, Class<?>> typeMap = new HashMap<>();
    private volatile SQLWarning warnings;

    private volatile boolean killed;
    private volatile SQLException rollbackFault;
    private volatile SQLException commitFault;
    private volatile SQLException closeFault;
    private volatile boolean isValidFalse;
    private volatile SQLException isValidFault;
    private volatile SQLException executeFault;
    private volatile Runnable afterSetAutoCommit;

    StubConnection(StubDriver driver, int id, PoolEntry entry, boolean autoCommit) {
        this.driver = driver;
        this.id = id;
        this.entry = entry;
        this.autoCommit = autoCommit;
    }

    // ---- identity and state for tests

    /** @return the number of this connection in its driver: 1, 2, 3… in the order of opening */
    public int id() {
        return id;
    }

    /** @return the driver that opened this connection */
    public StubDriver driver() {
        return driver;
    }

    /** @return the pool entry given to {@link StubDriver#create(PoolEntry)}; {@code null} through the data source */
    public PoolEntry entry() {
        return entry;
    }

    /** @return whether the connection was closed or aborted; unlike {@link #isClosed()} it never throws */
    public boolean isPhysicallyClosed() {
        return closed.get();
    }

    /** @return whether {@link #kill()} was called */
    public boolean isKilled() {
        return killed;
    }

    /** @return whether a transaction is open: a statement ran with auto-commit off and nothing ended it since */
    public boolean inTransaction() {
        return inTransaction;
    }

    // ---- counters

    /** @return calls of {@link #rollback()} */
    public long rollbacks() {
        return rollbacks.get();
    }

    /** @return calls of {@link #commit()} */
    public long commits() {
        return commits.get();
    }

    /** @return transactions committed by {@link #setAutoCommit(boolean) setAutoCommit(true)} */
    public long implicitCommits() {
        return implicitCommits.get();
    }

    /** @return calls of {@link #close()} and {@link #abort(Executor)}, repeated calls included */
    public long closes() {
        return closes.get();
    }

    /** @return calls of {@link #isValid(int)} */
    public long isValidCalls() {
        return isValidCalls.get();
    }

    /** @return calls of {@link #setAutoCommit(boolean)}, including those that change nothing */
    public long setAutoCommitCalls() {
        return setAutoCommitCalls.get();
    }

    /** @return statements created on this connection and not yet closed by their own {@code close()} */
    public int openStatements() {
        return openStatements.get();
    }

    /** @return a snapshot of the call log, oldest first */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** Empties the call log, so that a test can look at what happens from now on. */
    public void clearCalls() {
        calls.clear();
    }

    // ---- faults

    /** From now on every call fails as on a dead backend: SQLState 08006. There is no way back. */
    public void kill() {
        killed = true;
    }

    /** @param error what {@link #rollback()} throws from now on, or {@code null} to clear */
    public void failRollback(SQLException error) {
        rollbackFault = error;
    }

    /**
     * @param error what {@link #commit()} throws from now on, or {@code null} to clear; an implicit commit by
     *              {@code setAutoCommit(true)} throws it too, and then leaves auto-commit off and the transaction open
     */
    public void failCommit(SQLException error) {
        commitFault = error;
    }

    /**
     * @param error what {@link #close()} throws from now on, or {@code null} to clear. The connection is closed
     *              all the same, as a driver does whose socket fails to close; only the call that closes it throws
     */
    public void failClose(SQLException error) {
        closeFault = error;
    }

    /** @param invalid whether {@link #isValid(int)} returns {@code false} from now on */
    public void failIsValid(boolean invalid) {
        isValidFalse = invalid;
    }

    /** @param error what {@link #isValid(int)} throws from now on, or {@code null} to clear */
    public void failIsValidWith(SQLException error) {
        isValidFault = error;
    }

    /**
     * @param error what every statement execution on this connection throws from now on, or {@code null} to clear;
     *              it wins over {@link StubDriver#failExecuteWith(SQLException)}
     */
    public void failExecuteWith(SQLException error) {
        executeFault = error;
    }

    /**
     * Adds a warning to the chain {@link #getWarnings()} returns, for testing that the pool clears warnings. Meant
     * for the test thread, not for concurrent use with itself.
     *
     * @param warning the warning to append
     */
    public void addWarning(SQLWarning warning) {
        SQLWarning first = warnings;
        if (first == null) {
            warnings = warning;
        } else {
            first.setNextWarning(warning);
        }
    }

    /**
     * Runs {@code hook} on the calling thread at the end of every {@link #setAutoCommit(boolean)} that succeeds, the
     * mode already set, so that a test can hold a caller between the driver's change and whatever the caller does
     * next, without sleeping.
     *
     * @param hook what to run, or {@code null} to clear
     */
    public void afterSetAutoCommit(Runnable hook) {
        afterSetAutoCommit = hook;
    }

    // ---- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        setAutoCommitCalls.incrementAndGet();
        record("setAutoCommit");
        checkUsable();
        if (autoCommit != this.autoCommit) {
            if (autoCommit && inTransaction) {
                throwIfSet(commitFault);
                implicitCommits.incrementAndGet();
                inTransaction = false;
            }
            this.autoCommit = autoCommit;
        }
        Runnable hook = afterSetAutoCommit;
        if (hook != null) {
            hook.run();
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkUsable();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        commits.incrementAndGet();
        record("commit");
        checkUsable();
        if (autoCommit) {
            throw StubErrors.transactionState("Cannot commit when autoCommit is enabled");
        }
        throwIfSet(commitFault);
        inTransaction = false;
    }

    @Override
    public void rollback() throws SQLException {
        rollbacks.incrementAndGet();
        record("rollback");
        checkUsable();
        if (autoCommit) {
            throw StubErrors.transactionState("Cannot rollback when autoCommit is enabled");
        }
        throwIfSet(rollbackFault);
        inTransaction = false;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        record("setTransactionIsolation");
        checkUsable();
        if (level != TRANSACTION_READ_UNCOMMITTED && level != TRANSACTION_READ_COMMITTED
                && level != TRANSACTION_REPEATABLE_READ && level != TRANSACTION_SERIALIZABLE) {
            throw StubErrors.invalidArgument("unsupported transaction isolation level " + level);
        }
        if (inTransaction) {
            throw StubErrors.activeTransaction("Cannot change transaction isolation level in a transaction");
        }
        transactionIsolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkUsable();
        return transactionIsolation;
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        record("setReadOnly");
        checkUsable();
        if (inTransaction) {
            throw StubErrors.activeTransaction("Cannot change read-only in a transaction");
        }
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkUsable();
        return readOnly;
    }

    // ---- lifecycle

    /**
     * Counts and logs the call, then closes the connection if it is open (the driver counts it closed) and throws
     * the fault of {@link #failClose(SQLException)} if one is set. Closing a closed connection does nothing else.
     */
    @Override
    public void close() throws SQLException {
        closes.incrementAndGet();
        record("close");
        if (markClosed()) {
            throwIfSet(closeFault);
        }
    }

    /**
     * Counts and logs the call as {@code abort}, counts it in {@link #closes()} too, and closes the connection at
     * once; nothing runs on the executor, as there is nothing to release.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        closes.incrementAndGet();
        record("abort");
        if (executor == null) {
            throw StubErrors.invalidArgument("abort needs an executor");
        }
        markClosed();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Counts and logs the call. Returns {@code false} when closed, killed or told to by
     * {@link #failIsValid(boolean)}; throws the fault of {@link #failIsValidWith(SQLException)}, which is checked
     * first on an open live connection.
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        isValidCalls.incrementAndGet();
        record("isValid");
        if (timeout < 0) {
            throw StubErrors.invalidArgument("timeout must not be negative: " + timeout);
        }
        if (closed.get() || killed) {
            return false;
        }
        throwIfSet(isValidFault);
        return !isValidFalse;
    }

    @Override
    public void beginRequest() throws SQLException {
        record("beginRequest");
        checkUsable();
    }

    @Override
    public void endRequest() throws SQLException {
        record("endRequest");
        checkUsable();
    }

    // ---- statements

    @Override
    public StubStatement createStatement() throws SQLException {
        return newStatement("createStatement", StubStatement.Kind.PLAIN, null);
    }

    /** The result set type and concurrency are ignored: results are always forward-only and read-only. */
    @Override
    public StubStatement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return newStatement("createStatement", StubStatement.Kind.PLAIN, null);
    }

    /** The result set type, concurrency and holdability are ignored. */
    @Override
    public StubStatement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return newStatement("createStatement", StubStatement.Kind.PLAIN, null);
    }

    @Override
    public StubStatement prepareStatement(String sql) throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return newStatement("prepareStatement", StubStatement.Kind.PREPARED, sql);
    }

    @Override
    public StubStatement prepareCall(String sql) throws SQLException {
        return newStatement("prepareCall", StubStatement.Kind.CALLABLE, sql);
    }

    @Override
    public StubStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return newStatement("prepareCall", StubStatement.Kind.CALLABLE, sql);
    }

    @Override
    public StubStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        return newStatement("prepareCall", StubStatement.Kind.CALLABLE, sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkUsable();
        return sql;
    }

    // ---- other state

    @Override
    public void setCatalog(String catalog) throws SQLException {
        record("setCatalog");
        checkUsable();
        this.catalog = catalog;
    }

    @Override
    public String getCatalog() throws SQLException {
        checkUsable();
        return catalog;
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        record("setSchema");
        checkUsable();
        this.schema = schema;
    }

    @Override
    public String getSchema() throws SQLException {
        checkUsable();
        return schema;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        record("setNetworkTimeout");
        checkUsable();
        if (executor == null) {
            throw StubErrors.invalidArgument("setNetworkTimeout needs an executor");
        }
        if (milliseconds < 0) {
            throw StubErrors.invalidArgument("network timeout must not be negative: " + milliseconds);
        }
        networkTimeout = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkUsable();
        return networkTimeout;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkUsable();
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw StubErrors.invalidArgument("unknown holdability " + holdability);
        }
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkUsable();
        return holdability;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkUsable();
        return typeMap;
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkUsable();
        if (map == null) {
            throw StubErrors.invalidArgument("type map is null");
        }
        typeMap = new HashMap<>(map);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkUsable();
        return warnings;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkUsable();
        warnings = null;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        checkUsableForClientInfo(Map.of(String.valueOf(name), ClientInfoStatus.REASON_UNKNOWN));
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.put(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        Map<String, ClientInfoStatus> failed = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            failed.put(name, ClientInfoStatus.REASON_UNKNOWN);
        }
        checkUsableForClientInfo(failed);
        clientInfo.clear();
        for (String name : properties.stringPropertyNames()) {
            clientInfo.put(name, properties.getProperty(name));
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkUsable();
        return clientInfo.get(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkUsable();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    // ---- not modelled

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.getMetaData");
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("savepoints");
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("savepoints");
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("savepoints");
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("savepoints");
    }

    @Override
    public Clob createClob() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createClob");
    }

    @Override
    public Blob createBlob() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createBlob");
    }

    @Override
    public NClob createNClob() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createNClob");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createSQLXML");
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createArrayOf");
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        checkUsable();
        throw StubErrors.notSupported("Connection.createStruct");
    }

    // ---- wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("stub connection " + id + " does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "StubConnection[id=" + id + ", closed=" + closed.get() + ", killed=" + killed
                + ", autoCommit=" + autoCommit + ", inTransaction=" + inTransaction + "]";
    }

    // ---- for statements and result sets

    /** Throws 08003 when closed, 08006 when killed; the first check of every call. */
    void checkUsable() throws SQLException {
        if (closed.get()) {
            throw StubErrors.connectionClosed(id);
        }
        if (killed) {
            throw StubErrors.killed(id);
        }
    }

    /**
     * Called by a statement about to execute, after {@link #checkUsable()}: opens the transaction when auto-commit
     * is off, then throws the execute fault if one is set. The transaction opens even when the statement fails,
     * as on a real database, where a failed statement leaves a transaction that must be rolled back.
     */
    void executing() throws SQLException {
        if (!autoCommit && !inTransaction) {
            inTransaction = true;
        }
        SQLException fault = executeFault;
        throwIfSet(fault != null ? fault : driver.executeFault());
    }

    void statementClosed() {
        openStatements.decrementAndGet();
    }

    // ---- private

    private StubStatement newStatement(String call, StubStatement.Kind kind, String sql) throws SQLException {
        record(call);
        checkUsable();
        if (kind != StubStatement.Kind.PLAIN && sql == null) {
            throw StubErrors.invalidArgument("sql is null");
        }
        openStatements.incrementAndGet();
        return new StubStatement(this, kind, sql);
    }

    private boolean markClosed() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        driver.connectionClosed();
        return true;
    }

    private void record(String call) {
        if (driver.recordsCalls()) {
            calls.add(call);
        }
    }

    private void checkUsableForClientInfo(Map<String, ClientInfoStatus> failed) throws SQLClientInfoException {
        try {
            checkUsable();
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), failed, e);
        }
    }

    private static void throwIfSet(SQLException fault) throws SQLException {
        if (fault != null) {
            throw fault;
        }
    }
}

package org.poolkit.core;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.ProxiedConnection;

/**
 * The connection a checkout hands out. It forwards to the driver connection of its {@link Entry}, remembers what the
 * holder changed so that checkin can restore it, wraps statements so that none escapes with the driver connection,
 * and passes every driver error through {@link #checkException} so that a dead connection is invalidated whichever
 * call found it.
 *
 * <p>A handle is made for one checkout and is dead after it: closing it again does nothing, any other call throws
 * SQLState 08003. Not thread-safe: confined to its holder, like a JDBC connection.
 */
final class ConnectionHandle implements ProxiedConnection {

    private final Engine engine;
    private Entry entry;
    private Connection delegate;
    // The entry's leak-detection anchor while the holder has the handle (LeakDetector): returned before the entry is.
    private Object anchor;
    // True while checkout listeners hold the handle: the checkout, not the handle, then decides the entry's fate.
    private boolean checkingOut = true;
    private boolean invalidated;
    // Set by detach(): the handle then owns the driver connection and the little state its close() needs.
    private boolean detached;
    private Map<String, Object> detachedInfo;

    ConnectionHandle(Engine engine, Entry entry, Connection delegate) {
        this.engine = engine;
        this.entry = entry;
        this.delegate = delegate;
    }

    // ---- the pool's side of the handle

    /** The checkout is complete: from now on the holder owns the handle, and a handle dropped unclosed is a leak. */
    void handedOut() {
        joined(entry.lendAnchor());
    }

    /** As {@link #handedOut()}, for a checkout that joined a shared entry's holders, who lend it their anchor. */
    void joined(Object sharedAnchor) {
        anchor = sharedAnchor;
        checkingOut = false;
    }

    /**
     * Lets go of the entry, which is about to go back to the pool. An exclusive entry gets its anchor back now, before
     * anyone can check it out again; a shared one from its last holder's checkin.
     *
     * @return the anchor this handle held, for the checkin
     */
    private Object release() {
        Entry held = entry;
        Object lent = anchor;
        entry = null;
        delegate = null;
        anchor = null;
        if (held.holders == null) {
            held.returnAnchor(lent);
        }
        return lent;
    }

    /** Checks the entry in. */
    @Override
    public void close() {
        if (checkingOut) {
            return;
        }
        if (detached) {
            Connection driver = delegate;
            if (driver != null) {
                delegate = null;
                engine.closeDetached(driver);
            }
            return;
        }
        // Decided by the entry, not the connection: an entry whose connection was invalidated must still go back.
        if (entry == null) {
            return;
        }
        Entry held = entry;
        engine.checkin(held, release());
    }

    @Override
    public boolean isClosed() throws SQLException {
        Connection driver = delegate;
        return driver == null || driver.isClosed();
    }

    @Override
    public void invalidate() {
        invalidate(null);
    }

    @Override
    public void invalidate(Throwable reason) {
        if (delegate == null || detached) {
            Engine.LOG.warn("Pool '{}': cannot invalidate a connection that is already closed or detached",
                    engine.name());
            return;
        }
        if (checkingOut) {
            entry.invalidate(reason);
            return;
        }
        Entry held = entry;
        Object lent = release();
        invalidated = true;
        try {
            held.invalidate(reason);
        } finally {
            engine.checkin(held, lent);
        }
    }

    @Override
    public void softInvalidate(Throwable reason) {
        if (entry != null) {
            entry.softInvalidate(reason);
        }
    }

    @Override
    public void detach() throws SQLException {
        Connection driver = conn();
        if (detached) {
            return;
        }
        if (checkingOut) {
            throw new SQLException("A connection cannot be detached by a checkout listener (pool '" + engine.name()
                    + "')", "55000");
        }
        Entry held = entry;
        Map<String, Object> info = new HashMap<>(held.info());
        // The entry goes back to the pool inside detach(), which gives it the anchor first; if nothing was detached
        // the handle still holds the entry, and takes the anchor back.
        Object lent = anchor;
        anchor = null;
        boolean released;
        try {
            released = engine.detach(held, driver, lent);
        } catch (SQLException refused) {
            // Other holders share the connection; the entry never took the anchor.
            anchor = lent;
            throw refused;
        } catch (Error listenerFailed) {
            // A detach listener's Error comes after the engine let the connection go and gave the entry back: the
            // handle owns the connection all the same, and its close() must not check that entry in a second time.
            if (held.connection() != driver) {
                becomeDetached(info);
            } else {
                anchor = held.lendAnchor();
            }
            throw listenerFailed;
        }
        if (!released) {
            anchor = held.lendAnchor();
            throw new SQLException("Connection was invalidated; nothing to detach (pool '" + engine.name() + "')",
                    "08003");
        }
        becomeDetached(info);
    }

    private void becomeDetached(Map<String, Object> info) {
        detachedInfo = info;
        detached = true;
        entry = null;
    }

    @Override
    public boolean isInvalidated() {
        return invalidated || entry != null && entry.connection() != delegate;
    }

    @Override
    public boolean isDetached() {
        return detached;
    }

    @Override
    public Map<String, Object> info() {
        if (detached) {
            return detachedInfo;
        }
        return entry == null ? Map.of() : entry.info();
    }

    @Override
    public PoolEntry entry() {
        return entry;
    }

    /** Points the handle at the entry's new connection, after a checkout replaced a dead one. */
    void rebind(Connection replacement) {
        delegate = replacement;
    }

    /** Forgets a statement the holder closed. */
    void untrack(StatementHandle statement) {
        if (entry != null) {
            entry.statementClosed(statement.delegate);
        }
    }

    /** Lets the engine judge a driver error; returns the exception the holder receives. */
    SQLException checkException(SQLException e) {
        Entry held = entry;
        // Only an error of the entry's current connection speaks for the server: after the entry was invalidated,
        // the closed connection's complaints say nothing about the others.
        if (held == null || delegate == null || held.connection() != delegate) {
            return e;
        }
        Disconnects.Verdict verdict = Disconnects.classify(e);
        if (verdict == Disconnects.Verdict.NONE) {
            return e;
        }
        boolean serverWentAway = verdict == Disconnects.Verdict.SERVER;
        if (checkingOut) {
            engine.disconnectedDuringCheckout(held, e, serverWentAway);
            return e;
        }
        Object lent = release();
        invalidated = true;
        engine.disconnected(held, lent, e, serverWentAway);
        return e;
    }

    private Connection conn() throws SQLException {
        Connection driver = delegate;
        if (driver == null) {
            throw new SQLException("Connection is closed (pool '" + engine.name() + "')", "08003");
        }
        return driver;
    }

    private <T extends StatementHandle> T track(T statement) {
        if (entry != null) {
            entry.statementOpened(statement.delegate);
        }
        return statement;
    }

    /** A change of a restorable property, which the entry records for checkin; a detached handle records nothing. */
    private void change(int property, Entry.DriverChange call) throws SQLException {
        try {
            Connection driver = conn();
            Entry held = entry;
            if (held == null) {
                call.run(driver);
            } else {
                held.change(property, driver, call);
            }
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    // ---- state the pool restores at checkin

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        try {
            Connection driver = conn();
            Entry held = entry;
            if (held == null) {
                driver.setAutoCommit(autoCommit);
            } else {
                held.setAutoCommit(driver, autoCommit);
            }
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        change(Entry.ISOLATION, driver -> driver.setTransactionIsolation(level));
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        change(Entry.READ_ONLY, driver -> driver.setReadOnly(readOnly));
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        change(Entry.CATALOG, driver -> driver.setCatalog(catalog));
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        change(Entry.SCHEMA, driver -> driver.setSchema(schema));
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        change(Entry.NETWORK_TIMEOUT, driver -> driver.setNetworkTimeout(executor, milliseconds));
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            conn().abort(executor);
        } catch (SQLException e) {
            throw checkException(e);
        }
        invalidate(new SQLException("aborted by its holder"));
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        Connection driver = delegate;
        if (driver == null) {
            return false;
        }
        try {
            return driver.isValid(timeout);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    // ---- statements, wrapped

    @Override
    public Statement createStatement() throws SQLException {
        try {
            return track(new StatementHandle(this, conn().createStatement()));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        try {
            return track(new StatementHandle(this, conn().createStatement(resultSetType, resultSetConcurrency)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        try {
            return track(new StatementHandle(this,
                    conn().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        try {
            return track(new PreparedStatementHandle(this, conn().prepareStatement(sql)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        try {
            return track(new PreparedStatementHandle(this,
                    conn().prepareStatement(sql, resultSetType, resultSetConcurrency)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        try {
            return track(new PreparedStatementHandle(this,
                    conn().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        try {
            return track(new PreparedStatementHandle(this, conn().prepareStatement(sql, autoGeneratedKeys)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        try {
            return track(new PreparedStatementHandle(this, conn().prepareStatement(sql, columnIndexes)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        try {
            return track(new PreparedStatementHandle(this, conn().prepareStatement(sql, columnNames)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        try {
            return track(new CallableStatementHandle(this, conn().prepareCall(sql)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        try {
            return track(new CallableStatementHandle(this,
                    conn().prepareCall(sql, resultSetType, resultSetConcurrency)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
            int resultSetHoldability) throws SQLException {
        try {
            return track(new CallableStatementHandle(this,
                    conn().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability)));
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    // ---- plain forwarding

    @Override
    public String nativeSQL(String sql) throws SQLException {
        try {
            return conn().nativeSQL(sql);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        try {
            return conn().getAutoCommit();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void commit() throws SQLException {
        try {
            conn().commit();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        try {
            conn().rollback();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            conn().rollback(savepoint);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        try {
            return conn().getMetaData();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        try {
            return conn().isReadOnly();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        try {
            return conn().getCatalog();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        try {
            return conn().getTransactionIsolation();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        try {
            return conn().getWarnings();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        try {
            conn().clearWarnings();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        try {
            return conn().getTypeMap();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        try {
            conn().setTypeMap(map);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        try {
            conn().setHoldability(holdability);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        try {
            return conn().getHoldability();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        try {
            return conn().setSavepoint();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        try {
            return conn().setSavepoint(name);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        try {
            conn().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        try {
            return conn().createClob();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Blob createBlob() throws SQLException {
        try {
            return conn().createBlob();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public NClob createNClob() throws SQLException {
        try {
            return conn().createNClob();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        try {
            return conn().createSQLXML();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        Connection driver = delegate;
        if (driver == null) {
            throw new SQLClientInfoException("Connection is closed (pool '" + engine.name() + "')", "08003", 0,
                    Map.of());
        }
        driver.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        Connection driver = delegate;
        if (driver == null) {
            throw new SQLClientInfoException("Connection is closed (pool '" + engine.name() + "')", "08003", 0,
                    Map.of());
        }
        driver.setClientInfo(properties);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        try {
            return conn().getClientInfo(name);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        try {
            return conn().getClientInfo();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        try {
            return conn().createArrayOf(typeName, elements);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        try {
            return conn().createStruct(typeName, attributes);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        try {
            return conn().getSchema();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        try {
            return conn().getNetworkTimeout();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void beginRequest() throws SQLException {
        try {
            conn().beginRequest();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void endRequest() throws SQLException {
        try {
            conn().endRequest();
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout)
            throws SQLException {
        try {
            return conn().setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        try {
            return conn().setShardingKeyIfValid(shardingKey, timeout);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        try {
            conn().setShardingKey(shardingKey, superShardingKey);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        try {
            conn().setShardingKey(shardingKey);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Connection driver = conn();
        if (iface.isInstance(driver)) {
            return iface.cast(driver);
        }
        try {
            return driver.unwrap(iface);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection driver = conn();
        try {
            return iface.isInstance(driver) || driver.isWrapperFor(iface);
        } catch (SQLException e) {
            throw checkException(e);
        }
    }

    @Override
    public String toString() {
        return "ProxiedConnection[pool=" + engine.name() + ", " + (delegate == null ? "closed" : delegate) + "]";
    }
}

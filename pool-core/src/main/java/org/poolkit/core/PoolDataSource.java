package org.poolkit.core;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

import org.poolkit.api.Pool;

/**
 * A {@link DataSource} over any {@link Pool}: {@link #getConnection()} checks a connection out, its {@code close()}
 * checks it in. For code that takes a {@code DataSource}, such as JPA providers and JdbcTemplate. Thread-safe.
 */
public final class PoolDataSource implements DataSource {

    private final Pool pool;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;

    /** @param pool the pool to check connections out of */
    public PoolDataSource(Pool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        this.pool = pool;
    }

    /** @return the pool behind this data source */
    public Pool pool() {
        return pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.checkout();
    }

    /**
     * Not supported: a pool's connections all use the credentials it was configured with.
     *
     * @throws SQLFeatureNotSupportedException always
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("Pool '" + pool.name()
                + "' opens every connection with its configured credentials; use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Kept for the interface's sake; a checkout waits as long as the pool's {@code timeout}. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("org.poolkit");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(pool)) {
            return iface.cast(pool);
        }
        throw new SQLException("PoolDataSource wraps neither a " + iface.getName() + " nor a subtype of it");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this) || iface.isInstance(pool);
    }

    @Override
    public String toString() {
        return "PoolDataSource[" + pool + "]";
    }
}

package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;

import org.poolkit.api.Pool;

/**
 * A {@link DataSource} over any {@link Pool}: {@link #getConnection()} checks a connection out, its {@code close()}
 * checks it in. For code that takes a {@code DataSource}, such as JPA providers and JdbcTemplate. Thread-safe.
 */
public final class PoolDataSource extends PoolBackedDataSource {

    private final Pool pool;

    /** @param pool the pool to check connections out of */
    public PoolDataSource(Pool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        this.pool = pool;
    }

    /** @return the pool behind this data source */
    @Override
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
    String describe() {
        return "PoolDataSource";
    }

    @Override
    public String toString() {
        return "PoolDataSource[" + pool + "]";
    }
}

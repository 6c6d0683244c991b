package org.poolkit.benchmarks.driver;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * The benchmarks' database: a {@link DataSource} whose connections do no I/O and that remembers nothing about them
 * but how many it opened. It is also the unpooled floor every pool is measured against. Unlike the test kit's stub
 * driver, which keeps every connection and logs calls so that tests can inspect them, it costs one allocation and one
 * counter increment per connect.
 *
 * <p>Public with a no-argument constructor because some pools (Agroal) instantiate the data source class themselves.
 * Thread-safe.
 */
public final class LeanDataSource implements DataSource {

    private static final LongAdder CONNECTS = new LongAdder();

    private PrintWriter logWriter;
    private int loginTimeout;

    /** @return how many connections every lean data source together has opened */
    public static long connects() {
        return CONNECTS.sum();
    }

    /** @return a new connection */
    static Connection connect() {
        CONNECTS.increment();
        return new LeanConnection();
    }

    @Override
    public Connection getConnection() {
        return connect();
    }

    @Override
    public Connection getConnection(String username, String password) {
        return connect();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the lean data source does not log");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}

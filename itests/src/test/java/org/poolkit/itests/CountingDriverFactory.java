package org.poolkit.itests;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.XADataSource;

import org.osgi.service.jdbc.DataSourceFactory;

/**
 * A {@link DataSourceFactory} over Derby's that counts the physical connections open, below the pool: the count the
 * tests trust for "every connection closed", independent of the pool's own accounting and events. Thread-safe.
 */
final class CountingDriverFactory implements DataSourceFactory {

    /** The {@code osgi.jdbc.driver.name} it is registered with. */
    static final String NAME = "counting-derby";

    private final DataSourceFactory derby;
    private final AtomicInteger open = new AtomicInteger();

    CountingDriverFactory(DataSourceFactory derby) {
        this.derby = derby;
    }

    /** @return physical connections opened and not yet closed */
    int open() {
        return open.get();
    }

    @Override
    public Driver createDriver(Properties props) throws SQLException {
        Driver real = derby.createDriver(props);
        return new Driver() {
            @Override
            public Connection connect(String url, Properties info) throws SQLException {
                Connection connection = real.connect(url, info);
                if (connection == null) {
                    return null;
                }
                open.incrementAndGet();
                return counted(connection);
            }

            @Override
            public boolean acceptsURL(String url) throws SQLException {
                return real.acceptsURL(url);
            }

            @Override
            public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
                return real.getPropertyInfo(url, info);
            }

            @Override
            public int getMajorVersion() {
                return real.getMajorVersion();
            }

            @Override
            public int getMinorVersion() {
                return real.getMinorVersion();
            }

            @Override
            public boolean jdbcCompliant() {
                return real.jdbcCompliant();
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                return real.getParentLogger();
            }
        };
    }

    /** The connection, counting its first {@code close()}. */
    private Connection counted(Connection connection) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(CountingDriverFactory.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && closed.compareAndSet(false, true)) {
                        open.decrementAndGet();
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public DataSource createDataSource(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("only createDriver");
    }

    @Override
    public ConnectionPoolDataSource createConnectionPoolDataSource(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("only createDriver");
    }

    @Override
    public XADataSource createXADataSource(Properties props) throws SQLException {
        throw new SQLFeatureNotSupportedException("only createDriver");
    }
}

package org.poolkit.benchmarks.driver;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The {@link LeanDataSource}'s connections as a {@link Driver}, for pools that take a driver and a URL
 * ({@value #URL}) rather than a data source. Not registered with {@code DriverManager}: pools are handed an
 * instance. Thread-safe.
 */
public final class LeanDriver implements Driver {

    /** The one URL the driver accepts. */
    public static final String URL = "jdbc:lean:";

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? LeanDataSource.connect() : null;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the lean driver does not log");
    }
}

package org.poolkit.benchmarks;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.benchmarks.driver.LeanDataSource;
import org.poolkit.benchmarks.driver.LeanDriver;
import org.poolkit.core.PoolDataSource;
import org.poolkit.core.Pools;
import org.vibur.dbcp.ViburDBCPDataSource;

import com.mchange.v2.c3p0.DataSources;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;

/**
 * The pools under test, each built over the lean driver as its documentation recommends for a fixed-size pool:
 * {@code size} connections opened up front where the pool can, a checkout timeout of {@value #TIMEOUT_MS} ms,
 * validation only where the pool does it by default, leak detection off. {@link #SETTINGS} says what each one gets,
 * for the results page.
 */
public final class Contenders {

    static final int TIMEOUT_MS = 8_000;

    /** What each contender is configured with, beyond the size and the timeout every one gets. */
    static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("queue", "poolkit QueuePool: pool.size = size, max.overflow = 0, defaults otherwise (FIFO per "
                    + "thread stripe, waiters served in arrival order, an arriving checkout may take an idle "
                    + "connection first, reset.on.return = rollback, no pre-ping, no recycle, leak detection off)"),
            Map.entry("static", "poolkit StaticPool: one connection shared by every checkout, defaults"),
            Map.entry("threadlocal", "poolkit SingletonThreadPool: pool.size = size threads kept, defaults"),
            Map.entry("null", "poolkit NullPool: a new connection per checkout, defaults"),
            Map.entry("hikari", "HikariCP: maximumPoolSize = minimumIdle = size (fixed size, as its README "
                    + "recommends), defaults otherwise (isValid if idle > 500 ms, maxLifetime 30 min, leak "
                    + "detection off)"),
            Map.entry("agroal", "Agroal: maxSize = minSize = initialSize = size, defaults otherwise (no validator, "
                    + "no reaping, no lifetime, leak detection off)"),
            Map.entry("dbcp2", "DBCP2 BasicDataSource: maxTotal = maxIdle = minIdle = initialSize = size, defaults "
                    + "otherwise (testOnBorrow with isValid, rollbackOnReturn, LIFO)"),
            Map.entry("tomcat", "Tomcat JDBC: maxActive = maxIdle = minIdle = initialSize = size, defaults otherwise "
                    + "(no testOnBorrow, fairQueue)"),
            Map.entry("vibur", "Vibur DBCP: poolInitialSize = poolMaxSize = size, JMX off, defaults otherwise "
                    + "(validate if idle > 5 s, fair)"),
            Map.entry("c3p0", "c3p0: minPoolSize = maxPoolSize = initialPoolSize = size, defaults otherwise (no "
                    + "test on checkout)"),
            Map.entry("unpooled", "the lean data source itself: a new connection per getConnection, the floor"));

    private Contenders() {
    }

    /** @return what the named pool is configured with, for the results page */
    public static String settings(String pool) {
        return SETTINGS.getOrDefault(pool, "?");
    }

    /** Builds the named pool over {@code target} (a data source), or over {@code driverUrl} for driver-based pools. */
    static DataSource open(String pool, int size, Supplier<DataSource> target, Class<?> targetClass)
            throws SQLException {
        switch (pool) {
            case "queue":
            case "static":
            case "threadlocal":
            case "null":
                return poolkit(pool, size, target.get());
            case "hikari":
                return hikari(size, target.get());
            case "agroal":
                return agroal(size, targetClass);
            case "dbcp2":
                return dbcp2(size, target.get());
            case "tomcat":
                return tomcat(size, target.get());
            case "vibur":
                return vibur(size, target.get());
            case "c3p0":
                return c3p0(size, target.get());
            case "unpooled":
                return target.get();
            default:
                throw new IllegalArgumentException("unknown pool '" + pool + "'; known: " + SETTINGS.keySet());
        }
    }

    /** Over the lean driver. */
    static DataSource open(String pool, int size) throws SQLException {
        return open(pool, size, LeanDataSource::new, LeanDataSource.class);
    }

    static void close(DataSource dataSource) throws Exception {
        if (dataSource instanceof PoolDataSource) {
            ((PoolDataSource) dataSource).pool().dispose();
        } else if (dataSource instanceof BasicDataSource) {
            ((BasicDataSource) dataSource).close();
        } else if (dataSource instanceof org.apache.tomcat.jdbc.pool.DataSource) {
            ((org.apache.tomcat.jdbc.pool.DataSource) dataSource).close(true);
        } else if (dataSource instanceof ViburDBCPDataSource) {
            ((ViburDBCPDataSource) dataSource).terminate();
        } else if (dataSource instanceof AutoCloseable) {
            ((AutoCloseable) dataSource).close();
        } else if (dataSource != null && dataSource.getClass().getName().startsWith("com.mchange")) {
            DataSources.destroy(dataSource);
        }
    }

    private static DataSource poolkit(String strategy, int size, DataSource target) {
        return new PoolDataSource(poolkitPool(strategy, size, target));
    }

    /** A poolkit pool with the named strategy, configured as the {@code queue}, {@code static}, ... contenders. */
    static Pool poolkitPool(String strategy, int size, DataSource target) {
        PoolSettings settings = PoolSettings.defaults().withName("bench-" + strategy).withPoolSize(size)
                .withMaxOverflow(0).withTimeout(Duration.ofMillis(TIMEOUT_MS));
        return Pools.create(strategy, ConnectionCreator.of(target), settings);
    }

    private static DataSource hikari(int size, DataSource target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-hikari");
        config.setDataSource(target);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(TIMEOUT_MS);
        return new HikariDataSource(config);
    }

    private static DataSource agroal(int size, Class<?> targetClass) throws SQLException {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(size).minSize(size).initialSize(size)
                        .acquisitionTimeout(Duration.ofMillis(TIMEOUT_MS))
                        .connectionFactoryConfiguration(factory -> factory.connectionProviderClass(targetClass)));
        return AgroalDataSource.from(config);
    }

    private static DataSource dbcp2(int size, DataSource target) {
        BasicDataSource dataSource = new BasicDataSource();
        if (target instanceof LeanDataSource) {
            dataSource.setDriver(new LeanDriver());
            dataSource.setUrl(LeanDriver.URL);
        } else {
            throw new IllegalArgumentException("DBCP2 runs only over the lean driver here");
        }
        dataSource.setMaxTotal(size);
        dataSource.setMaxIdle(size);
        dataSource.setMinIdle(size);
        dataSource.setInitialSize(size);
        dataSource.setMaxWait(Duration.ofMillis(TIMEOUT_MS));
        return dataSource;
    }

    private static DataSource tomcat(int size, DataSource target) {
        PoolProperties properties = new PoolProperties();
        properties.setName("bench-tomcat");
        properties.setDataSource(target);
        properties.setMaxActive(size);
        properties.setMaxIdle(size);
        properties.setMinIdle(size);
        properties.setInitialSize(size);
        properties.setMaxWait(TIMEOUT_MS);
        return new org.apache.tomcat.jdbc.pool.DataSource(properties);
    }

    private static DataSource vibur(int size, DataSource target) {
        ViburDBCPDataSource dataSource = new ViburDBCPDataSource();
        dataSource.setName("bench-vibur");
        dataSource.setExternalDataSource(target);
        // The lean data source ignores credentials; set, they keep Vibur from warning on every trial.
        dataSource.setUsername("");
        dataSource.setPassword("");
        dataSource.setPoolInitialSize(size);
        dataSource.setPoolMaxSize(size);
        dataSource.setConnectionTimeoutInMs(TIMEOUT_MS);
        dataSource.setEnableJMX(false);
        dataSource.start();
        return dataSource;
    }

    private static DataSource c3p0(int size, DataSource target) throws SQLException {
        return DataSources.pooledDataSource(target, Map.of("minPoolSize", size, "maxPoolSize", size,
                "initialPoolSize", size, "checkoutTimeout", TIMEOUT_MS));
    }
}

package org.poolkit.datasource;

import java.util.Optional;
import javax.sql.DataSource;

import org.osgi.annotation.versioning.ProviderType;
import org.poolkit.api.Pool;

/**
 * One data source made from a factory configuration of {@value #FACTORY_PID}, as tools see it: whether it runs,
 * and if not, why. Registered as a service, with the {@value #DATA_SOURCE_NAME} service property, from the moment its
 * configuration is given to the data source bundle until the configuration is deleted; the {@code DataSource} service
 * itself exists only while {@link #state()} is {@link State#ACTIVE}.
 *
 * <p>Every method reads the data source's state as it is now; two calls may see a change in between. Nothing here
 * reveals the password. Thread-safe; no method blocks.
 */
@ProviderType
public interface ManagedDataSource {

    /** The factory PID of data source configurations. */
    String FACTORY_PID = "org.poolkit.datasource";
    /** The service property naming the data source, as the {@code DataSource} service carries it too. */
    String DATA_SOURCE_NAME = "dataSourceName";

    /** Where a data source is in its life. */
    enum State {
        /** Its {@code DataSource} service is registered and serves connections. */
        ACTIVE,
        /** Not registered: no {@code PoolStrategyProvider} of the configured strategy is installed. */
        WAITING_FOR_STRATEGY,
        /** Not registered: no {@code DataSourceFactory} matches the configured driver name or class. */
        WAITING_FOR_DRIVER,
        /** Not registered: the configuration has a bad value, or the driver refused it. */
        REJECTED
    }

    /** @return the data source's name: {@code dataSourceName}, else the configuration's PID */
    String name();

    /** @return the PID of the factory configuration it was made from */
    String configurationPid();

    /** @return where the data source is now */
    State state();

    /**
     * @return why the data source is not {@link State#ACTIVE}, in the words the data source bundle logged; while it is
     *         active, why the latest configuration change was rejected (it runs on its last good configuration); empty
     *         when all is well
     */
    Optional<String> problem();

    /**
     * @return the pool new checkouts go to, while {@link State#ACTIVE}: after a swap, the new pool once the
     *         {@code DataSource} service's properties say so too
     */
    Optional<Pool> pool();

    /** @return the registered {@code DataSource} itself, while {@link State#ACTIVE} */
    Optional<DataSource> dataSource();

    /** @return the strategy the configuration names, or the running one's while a change is rejected */
    String strategy();

    /**
     * @return the JDBC url with any password in it replaced by {@code ***}; empty when the configuration has no
     *         readable url
     */
    String url();

    /**
     * @return which {@code DataSourceFactory} opens the connections, as {@code key=value}
     *         ({@code osgi.jdbc.driver.name=derby}); empty when the configuration names none
     */
    String driver();
}

package org.poolkit.datasource.internal;

import java.util.Optional;
import javax.sql.DataSource;

import org.poolkit.api.Pool;
import org.poolkit.core.SwappableDataSource;
import org.poolkit.datasource.ManagedDataSource;

/**
 * The {@link ManagedDataSource} service of one data source component: the component publishes a new
 * {@link Snapshot} under its lock after every change, and readers take the latest without any lock.
 *
 * <p>Thread-safe.
 */
final class ManagedState implements ManagedDataSource {

    /**
     * What the component last published. Immutable.
     *
     * @param name       the data source's name
     * @param state      where it is
     * @param problem    why it is not active, or why its latest change was rejected; null when all is well
     * @param dataSource the registered data source, null unless active
     * @param pool       the pool it served from when published, null unless active
     * @param strategy   the configured (or running) strategy, empty if unknown
     * @param url        the url, password masked, empty if unknown
     * @param driver     {@code key=value} of the DataSourceFactory, empty if unknown
     */
    record Snapshot(String name, State state, String problem, SwappableDataSource dataSource, Pool pool,
            String strategy, String url, String driver) {
    }

    private final String configurationPid;
    private volatile Snapshot now;

    ManagedState(String configurationPid, Snapshot first) {
        this.configurationPid = configurationPid;
        this.now = first;
    }

    void publish(Snapshot next) {
        now = next;
    }

    @Override
    public String name() {
        return now.name();
    }

    @Override
    public String configurationPid() {
        return configurationPid;
    }

    @Override
    public State state() {
        return now.state();
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(now.problem());
    }

    /** The pool as published, not the data source's own: it changes only once the service properties did. */
    @Override
    public Optional<Pool> pool() {
        return Optional.ofNullable(now.pool());
    }

    @Override
    public Optional<DataSource> dataSource() {
        return Optional.ofNullable(now.dataSource());
    }

    @Override
    public String strategy() {
        return now.strategy();
    }

    @Override
    public String url() {
        return now.url();
    }

    @Override
    public String driver() {
        return now.driver();
    }

    @Override
    public String toString() {
        Snapshot snapshot = now;
        return "data source '" + snapshot.name() + "' " + snapshot.state()
                + (snapshot.problem() == null ? "" : ": " + snapshot.problem());
    }
}

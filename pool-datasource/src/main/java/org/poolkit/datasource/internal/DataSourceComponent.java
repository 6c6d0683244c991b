package org.poolkit.datasource.internal;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.core.Pools;
import org.poolkit.core.SwappableDataSource;
import org.poolkit.datasource.ManagedDataSource;
import org.poolkit.datasource.ManagedDataSource.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled {@link DataSource} service per factory configuration of {@value #PID}, kept registered with the same
 * {@code service.id} while its strategy, database or settings change.
 *
 * <p>Why the component registers the {@code DataSource} itself rather than through {@code @Component(service=...)}:
 * SCR would unregister and register the service again whenever it re-activated the component (a static reference
 * changing, for instance), giving consumers a new {@code service.id} — the churn this bundle exists to avoid. The
 * component provides no service; it tracks the {@link PoolStrategyProvider} and {@link DataSourceFactory} services
 * itself (and {@link PoolEvents} ones through {@link PoolEventsWhiteboard}), and on every change of its configuration
 * or of those services it works out what to do ({@link #reconcile}): take new settings in place, swap to a new pool
 * (new strategy, driver, url or credentials), register the data source, or unregister it when its strategy or driver
 * went away. A configuration it cannot use is logged, naming the property and the value, and the data source keeps
 * running on its last good one.
 * For as long as the configuration exists it also registers a {@link ManagedDataSource} that tells tools where the
 * data source is: active, waiting for its strategy or driver (which), or rejected (why).
 *
 * <p>Thread-safe: every change runs under one lock; {@code getConnection()} never takes it.
 */
@Component(configurationPid = DataSourceComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
@Designate(ocd = DataSourceConfig.class, factory = true)
public final class DataSourceComponent {

    /** The factory PID of data source configurations. */
    public static final String PID = "org.poolkit.datasource";
    /** The service property naming a strategy provider's strategy. */
    static final String STRATEGY = "pool.strategy";
    /**
     * The data source's service property that says why its latest configuration was rejected, while it runs on the
     * previous one: what the log said, readable in a shell's service listing. Absent when all is well.
     */
    static final String REJECTED = "poolkit.rejected";

    private static final Logger LOG = LoggerFactory.getLogger("org.poolkit.datasource");

    private final BundleContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final ServiceTracker<PoolStrategyProvider, ServiceReference<PoolStrategyProvider>> strategies;
    private final ServiceTracker<DataSourceFactory, ServiceReference<DataSourceFactory>> drivers;
    private final PoolEventsWhiteboard whiteboard;
    private final ManagedState managed;
    private final ServiceRegistration<ManagedDataSource> managedRegistration;

    // Guarded by lock. The running state is all null while no DataSource is registered.
    private Map<String, ?> config;
    private boolean active;
    private String lastProblem;
    private SwappableDataSource dataSource;
    private ServiceRegistration<DataSource> registration;
    private DataSourceSpec spec;
    private ServiceReference<PoolStrategyProvider> strategyRef;
    private ServiceReference<DataSourceFactory> driverRef;
    private ConnectionCreator creator;

    /**
     * @param context the bundle's context, to track services and register the data source
     * @param config  the factory configuration's properties
     */
    @Activate
    public DataSourceComponent(BundleContext context, Map<String, Object> config) {
        this.context = context;
        this.config = Map.copyOf(config);
        this.strategies = new ServiceTracker<>(context, PoolStrategyProvider.class, new Reconciling<>());
        this.drivers = new ServiceTracker<>(context, DataSourceFactory.class, new Reconciling<>());
        this.whiteboard = new PoolEventsWhiteboard(context);
        this.managed = new ManagedState(String.valueOf(config.get("service.pid")), new ManagedState.Snapshot(
                DataSourceSpec.name(config), State.REJECTED, "not read yet", null, null, "", "", ""));
        strategies.open();
        drivers.open();
        whiteboard.open();
        lock.lock();
        try {
            active = true;
        } finally {
            lock.unlock();
        }
        reconcile(null);
        // Registered outside the lock: the framework calls service listeners synchronously.
        managedRegistration = context.registerService(ManagedDataSource.class, managed, managedProperties());
    }

    /** @param changed the configuration's new properties */
    @Modified
    void modified(Map<String, Object> changed) {
        lock.lock();
        try {
            config = Map.copyOf(changed);
        } finally {
            lock.unlock();
        }
        reconcile(null);
        Object registeredName = managedRegistration.getReference().getProperty(ManagedDataSource.DATA_SOURCE_NAME);
        if (!managed.name().equals(registeredName)) {
            managedRegistration.setProperties(managedProperties());
        }
    }

    @Deactivate
    void deactivate() {
        managedRegistration.unregister();
        lock.lock();
        try {
            active = false;
            stop("its configuration was deleted or the bundle stopped");
        } finally {
            lock.unlock();
        }
        whiteboard.close();
        drivers.close();
        strategies.close();
    }

    /**
     * Brings the data source in line with the configuration and the services there are now.
     *
     * @param leaving a service being unregistered, which must not be chosen, or {@code null}
     */
    private void reconcile(ServiceReference<?> leaving) {
        lock.lock();
        try {
            if (!active) {
                return;
            }
            DataSourceSpec next;
            try {
                next = DataSourceSpec.parse(config);
            } catch (IllegalArgumentException e) {
                reject(e.getMessage(), State.REJECTED, null);
                return;
            }
            ServiceReference<PoolStrategyProvider> nextStrategy = best(PoolStrategyProvider.class,
                    "(" + STRATEGY + "=" + DataSourceSpec.escape(next.strategy) + ")", leaving);
            if (nextStrategy == null) {
                reject("strategy must name an installed strategy; was '" + next.strategy + "' (installed: "
                        + installedStrategies(leaving) + ")", State.WAITING_FOR_STRATEGY, next);
                return;
            }
            ServiceReference<DataSourceFactory> nextDriver = best(DataSourceFactory.class, next.driverFilter(),
                    leaving);
            if (nextDriver == null) {
                reject(next.driverKey + " must name an installed DataSourceFactory; was '" + next.driverValue + "'",
                        State.WAITING_FOR_DRIVER, next);
                return;
            }
            apply(next, nextStrategy, nextDriver);
        } finally {
            lock.unlock();
        }
    }

    private void apply(DataSourceSpec next, ServiceReference<PoolStrategyProvider> nextStrategy,
            ServiceReference<DataSourceFactory> nextDriver) {
        boolean running = registration != null;
        boolean sameConnections = running && nextDriver.equals(driverRef) && spec.sameConnections(next);
        boolean sameStrategy = running && nextStrategy.equals(strategyRef);
        try {
            ConnectionCreator nextCreator = sameConnections ? creator : creator(next, nextDriver);
            if (sameConnections && sameStrategy && dataSource.reconfigure(next.settings)) {
                if (!next.settings.equals(spec.settings)) {
                    LOG.info("Data source '{}' took new settings in place: {}", next.name, next.settings);
                }
            } else {
                Pool pool = newPool(nextStrategy, nextCreator, next);
                whiteboard.attach(pool);
                if (running) {
                    dataSource.swap(pool);
                } else {
                    // Registered anew in any case: a new object, named as the data source is now.
                    dataSource = new SwappableDataSource(next.name, pool);
                }
            }
            creator = nextCreator;
        } catch (SQLException | RuntimeException e) {
            // A driver's message may quote the url, password and all; some have none.
            reject(next.shown(e.getMessage() != null ? e.getMessage() : e.getClass().getName()), State.REJECTED,
                    next);
            return;
        }
        if (!nextStrategy.equals(strategyRef)) {
            release(strategyRef);
        }
        spec = next;
        strategyRef = nextStrategy;
        driverRef = nextDriver;
        lastProblem = null;
        Dictionary<String, Object> properties = serviceProperties(next);
        if (running) {
            registration.setProperties(properties);
        } else {
            registration = context.registerService(DataSource.class, dataSource, properties);
            LOG.info("Data source '{}' registered: {}", next.name, next);
        }
        // Last: whoever sees the new pool through the ManagedDataSource finds the service properties saying so too.
        publish(State.ACTIVE, null, next);
    }

    /**
     * Opens connections through the named {@link DataSourceFactory}'s driver, checked to accept the url. The factory
     * is needed only to make the driver; the driver lives as long as the factory's registration, which the
     * component tracks.
     */
    private ConnectionCreator creator(DataSourceSpec next, ServiceReference<DataSourceFactory> ref)
            throws SQLException {
        DataSourceFactory factory = context.getService(ref);
        if (factory == null) {
            throw new IllegalStateException(next.driverKey + " '" + next.driverValue + "': its DataSourceFactory "
                    + "went away");
        }
        try {
            Driver driver = factory.createDriver(null);
            if (!driver.acceptsURL(next.url)) {
                throw new IllegalArgumentException("url must be a url the driver " + next.driverKey + "="
                        + next.driverValue + " accepts; was '" + next.shownUrl() + "'");
            }
            String url = next.url;
            Properties properties = next.connectionProperties();
            return entry -> driver.connect(url, properties);
        } finally {
            context.ungetService(ref);
        }
    }

    private Pool newPool(ServiceReference<PoolStrategyProvider> ref, ConnectionCreator nextCreator,
            DataSourceSpec next) {
        PoolStrategyProvider provider = context.getService(ref);
        if (provider == null) {
            throw new IllegalStateException("strategy '" + next.strategy + "' went away");
        }
        Pool pool;
        try {
            pool = Pools.create(provider, nextCreator, next.settings, System::nanoTime);
        } catch (RuntimeException e) {
            // The get above counted once more whether or not the strategy is the one in use.
            context.ungetService(ref);
            throw e;
        }
        if (ref.equals(strategyRef)) {
            // Held once for as long as it is in use.
            context.ungetService(ref);
        }
        return pool;
    }

    /** Unregisters the data source and disposes its pool; connections still out close as they come back. */
    private void stop(String why) {
        if (registration != null) {
            registration.unregister();
            registration = null;
            whiteboard.detach();
            dataSource.close();
            LOG.info("Data source '{}' unregistered: {}", spec.name, why);
        }
        release(strategyRef);
        strategyRef = null;
        driverRef = null;
        creator = null;
        spec = null;
    }

    private void release(ServiceReference<?> ref) {
        if (ref != null) {
            context.ungetService(ref);
        }
    }

    /**
     * Logs why the configuration cannot be used now, once per problem, and tells the {@link ManagedDataSource}. A
     * service that is missing while nothing runs is a wait, not necessarily a mistake (the strategy's bundle may be
     * starting or stopped): a warning.
     *
     * @param whenStopped the state this problem means while no data source is registered
     * @param described   the configuration as far as it could be read, or null
     */
    private void reject(String problem, State whenStopped, DataSourceSpec described) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            report(problem, whenStopped != State.REJECTED);
        }
        // Last, as in apply(): whoever sees the problem through the ManagedDataSource finds the service property too.
        if (registration != null) {
            publish(State.ACTIVE, problem, spec);
        } else {
            publish(whenStopped, problem, described);
        }
    }

    private void report(String problem, boolean missingService) {
        if (registration != null) {
            LOG.error("Data source '{}': configuration change rejected: {}; it keeps running on its last good "
                    + "configuration", spec.name, problem);
            Dictionary<String, Object> properties = serviceProperties(spec);
            properties.put(REJECTED, problem);
            registration.setProperties(properties);
        } else if (missingService && context.getBundle(0).getState() == Bundle.STOPPING) {
            LOG.debug("Data source of configuration '{}' stops with the framework: {}", config.get("service.pid"),
                    problem);
        } else if (missingService) {
            LOG.warn("Data source of configuration '{}' waits: {}", config.get("service.pid"), problem);
        } else {
            LOG.error("Data source of configuration '{}' is not registered: {}", config.get("service.pid"), problem);
        }
    }

    private void publish(State state, String problem, DataSourceSpec described) {
        boolean serving = state == State.ACTIVE;
        managed.publish(new ManagedState.Snapshot(described != null ? described.name : DataSourceSpec.name(config),
                state, problem, serving ? dataSource : null, serving ? dataSource.pool() : null,
                described != null ? described.strategy : "", described != null ? described.shownUrl() : "",
                described != null ? described.driverKey + "=" + described.driverValue : ""));
    }

    private Dictionary<String, Object> managedProperties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ManagedDataSource.DATA_SOURCE_NAME, managed.name());
        return properties;
    }

    private Dictionary<String, Object> serviceProperties(DataSourceSpec next) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DataSourceSpec.DATA_SOURCE_NAME, next.name);
        properties.put(DataSourceSpec.JNDI_SERVICE_NAME, next.jndiName);
        properties.put(STRATEGY, next.strategy);
        return properties;
    }

    /** @return the service with the highest ranking that matches, except {@code leaving}; null if none */
    private <S> ServiceReference<S> best(Class<S> type, String filter, ServiceReference<?> leaving) {
        try {
            ServiceReference<S> best = null;
            for (ServiceReference<S> ref : context.getServiceReferences(type, filter)) {
                if (!ref.equals(leaving) && (best == null || ref.compareTo(best) > 0)) {
                    best = ref;
                }
            }
            return best;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a valid service filter: " + filter, e);
        }
    }

    private TreeSet<String> installedStrategies(ServiceReference<?> leaving) {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (ServiceReference<PoolStrategyProvider> ref : context.getServiceReferences(
                    PoolStrategyProvider.class, null)) {
                if (!ref.equals(leaving)) {
                    names.add(String.valueOf(ref.getProperty(STRATEGY)));
                }
            }
        } catch (InvalidSyntaxException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
        return names;
    }

    /** Strategies and drivers: any coming, going or changing may change what the data source should run on. */
    private final class Reconciling<S> implements ServiceTrackerCustomizer<S, ServiceReference<S>> {

        @Override
        public ServiceReference<S> addingService(ServiceReference<S> reference) {
            reconcile(null);
            return reference;
        }

        @Override
        public void modifiedService(ServiceReference<S> reference, ServiceReference<S> tracked) {
            reconcile(null);
        }

        @Override
        public void removedService(ServiceReference<S> reference, ServiceReference<S> tracked) {
            lock.lock();
            try {
                if (reference.equals(strategyRef) || reference.equals(driverRef)) {
                    stop("its " + (reference.equals(strategyRef) ? "strategy" : "DataSourceFactory")
                            + " went away; it comes back when a matching one is registered");
                }
                reconcile(reference);
            } finally {
                lock.unlock();
            }
        }
    }
}

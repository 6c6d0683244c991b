package org.poolkit.shell.internal;

import java.io.IOException;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.datasource.ManagedDataSource;

/**
 * What the commands and the demo do to data sources, through the services that own them: find a
 * {@link ManagedDataSource} by name, read and write its factory configuration through Configuration Admin — the
 * same path a configuration file takes, so Felix FileInstall writes a change back to the file — and find the
 * {@link DataSourceFactory} whose driver takes a url. It never touches a pool directly.
 *
 * <p>Thread-safe: the service lists are replaced whole by SCR and read once per call.
 */
@Component(service = PoolAdmin.class)
public final class PoolAdmin {

    /** How long a command waits for a data source to take a configuration change. */
    static final Duration CHANGE_BOUND = Duration.ofSeconds(10);

    private static final String STRATEGY_PROPERTY = "pool.strategy";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<ManagedDataSource> dataSources;

    @Reference(service = PoolStrategyProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    private volatile List<ServiceReference<PoolStrategyProvider>> strategies;

    @Reference(service = DataSourceFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    private volatile List<ServiceReference<DataSourceFactory>> drivers;

    /**
     * @param context     the shell bundle's context, to borrow drivers and register listeners
     * @param configAdmin where data source configurations live
     */
    @Activate
    public PoolAdmin(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
    }

    /** @return every data source with a configuration now, by name */
    List<ManagedDataSource> all() {
        List<ManagedDataSource> all = new ArrayList<>(dataSources);
        all.sort(Comparator.comparing(ManagedDataSource::name));
        return all;
    }

    /** @return the data source of that name, if its configuration exists now */
    Optional<ManagedDataSource> lookup(String name) {
        return dataSources.stream().filter(dataSource -> dataSource.name().equals(name)).findFirst();
    }

    /**
     * @return the data source of that name
     * @throws CommandError naming the data sources there are, when none has that name
     */
    ManagedDataSource find(String name) {
        return lookup(name).orElseThrow(() -> CommandError.of("no data source is named '" + name + "'; "
                + names()));
    }

    private String names() {
        List<ManagedDataSource> all = all();
        if (all.isEmpty()) {
            return "there is none (pool:create makes one)";
        }
        List<String> names = new ArrayList<>();
        all.forEach(dataSource -> names.add(dataSource.name()));
        return "there are: " + String.join(", ", names);
    }

    /** @return the names of the strategies installed now */
    Set<String> strategies() {
        Set<String> names = new TreeSet<>();
        for (ServiceReference<PoolStrategyProvider> ref : strategies) {
            names.add(String.valueOf(ref.getProperty(STRATEGY_PROPERTY)));
        }
        return names;
    }

    /**
     * @return the configuration of the named data source
     * @throws CommandError when there is none
     */
    Configuration configuration(String name) throws IOException {
        ManagedDataSource dataSource = find(name);
        Configuration[] found;
        try {
            found = configAdmin.listConfigurations("(service.pid=" + escape(dataSource.configurationPid()) + ")");
        } catch (InvalidSyntaxException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
        if (found == null) {
            throw CommandError.of("the configuration of data source '" + name + "' was just deleted");
        }
        return found[0];
    }

    /**
     * Makes the factory configuration {@code org.poolkit.datasource~NAME}.
     *
     * @throws CommandError when a data source of that name exists already
     */
    Configuration create(String name, Dictionary<String, Object> properties) throws IOException {
        if (lookup(name).isPresent()) {
            throw CommandError.of("a data source named '" + name + "' exists already");
        }
        // "?": any bundle may have it, so SCR gives it to the data source bundle, not to this one.
        Configuration configuration = configAdmin.getFactoryConfiguration(ManagedDataSource.FACTORY_PID, name, "?");
        if (configuration.getProperties() != null) {
            throw CommandError.of("the configuration " + configuration.getPid() + " exists already");
        }
        configuration.update(properties);
        return configuration;
    }

    /**
     * @return the key and value of the {@link DataSourceFactory} whose driver accepts the url, by service ranking
     * @throws CommandError naming the installed factories, when none accepts it
     */
    Map.Entry<String, String> driverFor(String url) {
        List<ServiceReference<DataSourceFactory>> candidates = new ArrayList<>(drivers);
        candidates.sort(Comparator.reverseOrder());
        List<String> installed = new ArrayList<>();
        for (ServiceReference<DataSourceFactory> ref : candidates) {
            Map.Entry<String, String> key = driverKey(ref);
            installed.add(key.getKey() + "=" + key.getValue());
            if (accepts(ref, url)) {
                return key;
            }
        }
        throw CommandError.of("no installed DataSourceFactory accepts the url '"
                + ConfigKeys.shown(DataSourceFactory.JDBC_URL, url) + "' (installed: "
                + (installed.isEmpty() ? "none" : String.join(", ", installed)) + "); name one with "
                + DataSourceFactory.OSGI_JDBC_DRIVER_NAME + "=...");
    }

    private static Map.Entry<String, String> driverKey(ServiceReference<DataSourceFactory> ref) {
        Object name = ref.getProperty(DataSourceFactory.OSGI_JDBC_DRIVER_NAME);
        return name != null ? Map.entry(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, String.valueOf(name))
                : Map.entry(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS,
                        String.valueOf(ref.getProperty(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)));
    }

    private boolean accepts(ServiceReference<DataSourceFactory> ref, String url) {
        DataSourceFactory factory = context.getService(ref);
        if (factory == null) {
            return false;
        }
        try {
            Driver driver = factory.createDriver(null);
            return driver.acceptsURL(url);
        } catch (SQLException e) {
            return false;
        } finally {
            context.ungetService(ref);
        }
    }

    /** Registers a whiteboard listener that hears the pools of the named data source. */
    ServiceRegistration<PoolEvents> listen(String poolName, PoolEvents listener) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("pool.name", poolName);
        return context.registerService(PoolEvents.class, listener, properties);
    }

    /**
     * Waits, polling every few milliseconds, until the named data source is in the state {@code done} asks for.
     *
     * @return whether it got there within {@code bound}; its configuration gone counts as {@code null}
     * @throws InterruptedException when the command is interrupted meanwhile
     */
    boolean await(String name, Predicate<Optional<ManagedDataSource>> done, Duration bound)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.test(lookup(name))) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for data source '" + name + "'");
            }
        }
        return true;
    }

    /** @return {@code value} fit for an LDAP filter's item */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}

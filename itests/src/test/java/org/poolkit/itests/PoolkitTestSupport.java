package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.sql.DataSource;

import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * What every integration test shares: the framework's bundles, data sources made through Configuration Admin, and
 * bounded waits for what happens asynchronously (Configuration Admin and SCR deliver configurations on their own
 * threads).
 */
public abstract class PoolkitTestSupport {

    /** The factory PID of poolkit data sources. */
    static final String PID = "org.poolkit.datasource";
    /** How long a test waits for the framework before it declares a hang. */
    static final long BOUND_MILLIS = 10_000;

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    /** @return Felix SCR, ConfigAdmin, Metatype, Derby with its DataSourceFactory, and this reactor's bundles */
    @Configuration
    public Option[] config() {
        LoggedErrors.startCollecting();
        return options(
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.jdbc").versionAsInProject(),
                mavenBundle("org.apache.derby", "derby").versionAsInProject(),
                mavenBundle("org.ops4j.pax.jdbc", "pax-jdbc-derby").versionAsInProject(),
                reactorBundle("api"),
                reactorBundle("core"),
                reactorBundle("queue"),
                reactorBundle("null"),
                reactorBundle("static"),
                reactorBundle("threadlocal"),
                reactorBundle("assertion"),
                reactorBundle("datasource"),
                junitBundles());
    }

    /** A bundle built by this reactor, from its target/ jar (never from the local repository, G8). */
    static Option reactorBundle(String module) {
        String path = System.getProperty("poolkit.bundle." + module);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("poolkit.bundle." + module + " names no jar: " + path
                    + "; run the build from the reactor root");
        }
        return bundle(new File(path).toURI().toString());
    }

    // ---- data sources through Configuration Admin

    /** @return data source properties for an in-memory Derby database of that name, with the queue strategy */
    static Hashtable<String, Object> derby(String name) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("dataSourceName", name);
        properties.put("osgi.jdbc.driver.name", "derby");
        properties.put("url", "jdbc:derby:memory:" + name + ";create=true");
        properties.put("user", "app");
        properties.put("password", "not-a-real-secret");
        return properties;
    }

    /** Creates a factory configuration; {@code "?"} binds it to any bundle, so SCR gives it to ours (G4). */
    org.osgi.service.cm.Configuration create(Dictionary<String, Object> properties) throws IOException {
        org.osgi.service.cm.Configuration configuration = configAdmin.createFactoryConfiguration(PID, "?");
        configuration.update(properties);
        return configuration;
    }

    /** @return the registered data source of that name; fails if none appears within the bound */
    ServiceReference<DataSource> awaitDataSource(String name) {
        await(() -> dataSourceRef(name) != null, "data source '" + name + "' to be registered");
        return dataSourceRef(name);
    }

    /** Waits until no data source of that name is registered: two of them (a name given twice) count too. */
    void awaitNoDataSource(String name) {
        await(() -> dataSourceRefs(name).isEmpty(), "data source '" + name + "' to be unregistered");
    }

    ServiceReference<DataSource> dataSourceRef(String name) {
        Collection<ServiceReference<DataSource>> refs = dataSourceRefs(name);
        if (refs.size() > 1) {
            fail("one configuration made " + refs.size() + " data sources named " + name);
        }
        return refs.isEmpty() ? null : refs.iterator().next();
    }

    private Collection<ServiceReference<DataSource>> dataSourceRefs(String name) {
        try {
            return context.getServiceReferences(DataSource.class, "(dataSourceName=" + name + ")");
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty("service.id");
    }

    /** @return the pool serving the data source now */
    static Pool pool(DataSource dataSource) throws SQLException {
        return dataSource.unwrap(Pool.class);
    }

    /** Runs one small transaction: the table gets a row, committed. */
    static void transaction(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO " + table + " (n) VALUES (1)");
            }
            connection.commit();
        }
    }

    static void createTable(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE " + table + " (n INT)");
        }
    }

    static int count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    // ---- counting physical connections: below the pool, and through the whiteboard

    /**
     * Registers a {@link CountingDriverFactory} over Derby's; a data source configured with
     * {@code osgi.jdbc.driver.name=}{@value CountingDriverFactory#NAME} opens its connections through it.
     */
    CountingDriverFactory registerCountingDriver() throws InvalidSyntaxException {
        await(() -> derbyFactory() != null, "Derby's DataSourceFactory");
        CountingDriverFactory counting = new CountingDriverFactory(context.getService(derbyFactory()));
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, CountingDriverFactory.NAME);
        context.registerService(DataSourceFactory.class, counting, properties);
        return counting;
    }

    private ServiceReference<DataSourceFactory> derbyFactory() {
        try {
            Collection<ServiceReference<DataSourceFactory>> refs = context.getServiceReferences(
                    DataSourceFactory.class, "(osgi.jdbc.driver.name=derby)");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A whiteboard {@link PoolEvents} service that counts the connections it saw opened and then closed. A close counts only for a connection this counter saw
     * connect: a listener without {@code pool.name} also hears pools of earlier tests that are still being disposed
     * (their data source is unregistered a moment before), and their closes are not this test's.
     */
    static final class ConnectionCounter implements PoolEvents {

        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private final Set<Connection> seen = ConcurrentHashMap.newKeySet();

        @Override
        public void connect(Connection connection, PoolEntry entry) {
            seen.add(connection);
            connects.incrementAndGet();
        }

        @Override
        public void close(Connection connection, PoolEntry entry) {
            gone(connection);
        }

        @Override
        public void detach(Connection connection, PoolEntry entry) {
            gone(connection);
        }

        private void gone(Connection connection) {
            if (seen.remove(connection)) {
                closes.incrementAndGet();
            }
        }

        int open() {
            return connects.get() - closes.get();
        }
    }

    /** Registers a counter that hears the pools of the named data source. */
    ServiceRegistration<PoolEvents> registerCounter(ConnectionCounter counter, String poolName) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("pool.name", poolName);
        return context.registerService(PoolEvents.class, counter, properties);
    }

    /** @return the strategies installed in the framework now */
    Set<String> installedStrategies() throws InvalidSyntaxException {
        Set<String> names = new TreeSet<>();
        for (ServiceReference<PoolStrategyProvider> ref : context.getServiceReferences(
                PoolStrategyProvider.class, null)) {
            names.add((String) ref.getProperty("pool.strategy"));
        }
        return names;
    }

    /** Records every registration and unregistration of the named data source's service. */
    static final class RegistrationEvents implements ServiceListener {

        final List<Integer> events = new CopyOnWriteArrayList<>();

        @Override
        public void serviceChanged(ServiceEvent event) {
            if (event.getType() != ServiceEvent.MODIFIED) {
                events.add(event.getType());
            }
        }
    }

    RegistrationEvents listenForRegistrations(String name) throws InvalidSyntaxException {
        RegistrationEvents listener = new RegistrationEvents();
        context.addServiceListener(listener, "(&(objectClass=javax.sql.DataSource)(dataSourceName=" + name + "))");
        return listener;
    }

    /** @return the error lines logged since this class's framework started */
    static List<String> loggedErrors() {
        List<String> lines = LoggedErrors.lines();
        if (lines == null) {
            throw new AssertionError("logged errors are not being collected");
        }
        return List.copyOf(lines);
    }

    // ---- bounded waits

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + BOUND_MILLIS + " ms waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** For after an asynchronous step: the data source is unregistered a moment before its pool is disposed. */
    static void awaitOpen(int expected, ConnectionCounter counter, String what) {
        try {
            await(() -> counter.open() == expected, what + ": " + expected + " open");
        } catch (AssertionError notYet) {
            throw new AssertionError(notYet.getMessage() + " (opened " + counter.connects + ", closed "
                    + counter.closes + ")", notYet);
        }
        assertOpen(expected, counter, what);
    }

    static void assertOpen(int expected, ConnectionCounter counter, String what) {
        assertEquals(what + " (opened " + counter.connects + ", closed " + counter.closes + ")", expected,
                counter.open());
    }
}

package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.XADataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.Pool;
import org.poolkit.datasource.ManagedDataSource;
import org.poolkit.datasource.ManagedDataSource.State;

/**
 * Each data source's {@link ManagedDataSource} service lives as long as its configuration and says where the data
 * source is: waiting for which strategy or driver, rejected and why, or active with its pool.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ManagedDataSourceIT extends PoolkitTestSupport {

    @Test
    public void theServiceSaysWhatTheDataSourceWaitsForOrWhyItWasRejected() throws Exception {
        Hashtable<String, Object> properties = derby("managed");
        properties.put("strategy", "nosuch");
        Configuration configuration = create(properties);

        ManagedDataSource managed = awaitState("managed", State.WAITING_FOR_STRATEGY);
        assertEquals(configuration.getPid(), managed.configurationPid());
        assertEquals("nosuch", managed.strategy());
        assertTrue(managed.problem().orElseThrow(),
                managed.problem().orElseThrow().startsWith("strategy must name an installed strategy; was 'nosuch'"));
        assertFalse(managed.pool().isPresent());
        assertFalse(managed.dataSource().isPresent());

        properties.put("strategy", "queue");
        properties.put("osgi.jdbc.driver.name", "nosuch");
        configuration.update(properties);
        awaitState("managed", State.WAITING_FOR_DRIVER);
        assertEquals("osgi.jdbc.driver.name=nosuch", managed.driver());
        assertEquals("osgi.jdbc.driver.name must name an installed DataSourceFactory; was 'nosuch'",
                managed.problem().orElseThrow());

        properties.put("osgi.jdbc.driver.name", "derby");
        properties.put("pool.size", "-3");
        configuration.update(properties);
        awaitState("managed", State.REJECTED);
        assertEquals("pool.size must be 0 (no limit) or more; was -3", managed.problem().orElseThrow());

        assertSame("one service for the configuration's whole life", managed,
                context.getService(managedRef("managed")));
        configuration.delete();
        await(() -> managedRef("managed") == null, "the ManagedDataSource to go with its configuration");
    }

    @Test
    public void anActiveDataSourceShowsItsPoolAndItsUrlWithoutPassword() throws Exception {
        Hashtable<String, Object> properties = derby("shown");
        properties.put("url", "jdbc:derby:memory:shown;create=true;password=not-a-real-secret");
        Configuration configuration = create(properties);
        ServiceReference<DataSource> ref = awaitDataSource("shown");
        ManagedDataSource managed = awaitState("shown", State.ACTIVE);

        assertEquals("jdbc:derby:memory:shown;create=true;password=***", managed.url());
        assertFalse(managed.problem().isPresent());
        assertSame(context.getService(ref), managed.dataSource().orElseThrow());
        assertEquals("queue", managed.pool().orElseThrow().strategy());

        properties.put("pool.size", "lots");
        configuration.update(properties);
        await(() -> managed.problem().isPresent(), "the rejected change to show");
        assertEquals(State.ACTIVE, managed.state());
        assertEquals("pool.size must be a whole number; was 'lots'", managed.problem().orElseThrow());
        assertEquals("it runs on its last good configuration", 5, managed.pool().orElseThrow().settings().poolSize());

        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("shown");
        await(() -> managedRef("shown") == null, "the ManagedDataSource to go with its configuration");
    }

    /**
     * The service properties change first and the ManagedDataSource says so after: a listener that hears them change
     * still finds the previous state there, for a swap and for a rejected change alike. A shell that shows the new
     * pool or the problem then never disagrees with a service listing.
     */
    @Test
    public void theServicePropertiesChangeBeforeTheManagedDataSourceSaysSo() throws Exception {
        Hashtable<String, Object> properties = derby("ordered");
        Configuration configuration = create(properties);
        awaitDataSource("ordered");
        ManagedDataSource managed = awaitState("ordered", State.ACTIVE);
        List<String> heard = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> heard.add("properties " + event.getServiceReference().getProperty(
                "pool.strategy") + "/" + event.getServiceReference().getProperty("poolkit.rejected") + ", managed "
                + managed.pool().map(Pool::strategy).orElse("-") + "/" + managed.problem().orElse(null));
        context.addServiceListener(listener, "(&(objectClass=javax.sql.DataSource)(dataSourceName=ordered))");
        try {
            properties.put("strategy", "null");
            configuration.update(properties);
            await(() -> managed.pool().map(Pool::strategy).orElse("").equals("null"), "the swap to show");
            properties.put("pool.size", "lots");
            configuration.update(properties);
            await(() -> managed.problem().isPresent(), "the rejected change to show");
        } finally {
            context.removeServiceListener(listener);
        }

        String rejected = "pool.size must be a whole number; was 'lots'";
        assertTrue(heard.toString(), heard.contains("properties null/null, managed queue/null"));
        assertTrue(heard.toString(), heard.contains("properties null/" + rejected + ", managed null/null"));
        configuration.delete();
        awaitNoDataSource("ordered");
    }

    /**
     * A driver whose error quotes the url, password and all (or has no message at all): the problem the
     * ManagedDataSource shows, and the shell with it, masks the password.
     */
    @Test
    public void aDriverErrorThatQuotesTheUrlReachesTheProblemWithThePasswordMasked() throws Exception {
        String secret = "not-a-real-secret";
        Hashtable<String, Object> factoryProperties = new Hashtable<>();
        factoryProperties.put(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, "quoting");
        ServiceRegistration<DataSourceFactory> quoting = context.registerService(DataSourceFactory.class,
                new QuotingDriverFactory(), factoryProperties);
        Hashtable<String, Object> properties = derby("quoted");
        properties.put(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, "quoting");
        properties.put("url", "jdbc:quoting://app:" + secret + "@db/x?password=" + secret);
        Configuration configuration = create(properties);
        try {
            ManagedDataSource managed = awaitState("quoted", State.REJECTED);
            assertEquals("cannot read the url jdbc:quoting://app:***@db/x?password=***",
                    managed.problem().orElseThrow());

            properties.put("url", "jdbc:quoting:silent");
            configuration.update(properties);
            await(() -> managed.problem().orElseThrow().equals(SQLException.class.getName()),
                    "the problem to name the exception that had no message");
        } finally {
            configuration.delete();
            quoting.unregister();
        }
    }

    /** Its driver's {@code acceptsURL} throws, quoting the url, or with no message when the url ends in "silent". */
    private static final class QuotingDriverFactory implements DataSourceFactory {

        @Override
        public Driver createDriver(Properties props) {
            return (Driver) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Driver.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("acceptsURL")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        String url = String.valueOf(args[0]);
                        throw url.endsWith("silent") ? new SQLException() : new SQLException("cannot read the url "
                                + url);
                    });
        }

        @Override
        public DataSource createDataSource(Properties props) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConnectionPoolDataSource createConnectionPoolDataSource(Properties props) {
            throw new UnsupportedOperationException();
        }

        @Override
        public XADataSource createXADataSource(Properties props) {
            throw new UnsupportedOperationException();
        }
    }

    private ManagedDataSource awaitState(String name, State state) {
        await(() -> managedRef(name) != null && context.getService(managedRef(name)).state() == state,
                "data source '" + name + "' to be " + state);
        return context.getService(managedRef(name));
    }

    private ServiceReference<ManagedDataSource> managedRef(String name) {
        try {
            Collection<ServiceReference<ManagedDataSource>> refs = context.getServiceReferences(
                    ManagedDataSource.class, "(dataSourceName=" + name + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}

package org.poolkit.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * poolkit as a Karaf user meets it: the features installed from this reactor's features repository, a data source
 * made from a {@code .cfg} file in {@code etc/}, its strategy swapped by editing that file, and the {@code pool:}
 * commands run in Karaf's console. The tests share one Karaf and its data source {@code orders}; each leaves it as it
 * found it, on strategy queue.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PoolkitFeaturesIT {

    /**
     * How long Karaf may take to come up, boot features installed, before Pax Exam gives up (its default is three
     * minutes, K3). It takes 15-20 s here, and 50 s was seen with the machine's load average at 25.
     */
    private static final long START_TIMEOUT_MILLIS = 90_000;
    /** How long a test waits for something asynchronous (file installer, Configuration Admin, SCR). */
    private static final long BOUND_MILLIS = 15_000;
    private static final String CFG = "org.poolkit.datasource-orders.cfg";

    @Inject
    private BundleContext context;

    /** Karaf's console, as ssh and the local console use it. */
    @Inject
    private SessionFactory sessionFactory;

    /** @return Karaf 4.4 with the poolkit features, offline, and the data source file in etc/ */
    @Configuration
    public Option[] config() {
        Path examDirectory = Paths.get(property("karaf.exam.directory"));
        ForkedKaraf.endWithThisJvm(examDirectory);
        String featuresRepo = new File(property("karaf.features.repo")).toURI().toString();
        String paxUrl = "etc/org.ops4j.pax.url.mvn.cfg";
        return options(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(property("karaf.distribution")).toURI().toString())
                        .karafVersion(property("karaf.version"))
                        .name("Apache Karaf")
                        .unpackDirectory(examDirectory.toFile())
                        .useDeployFolder(false),
                systemTimeout(START_TIMEOUT_MILLIS),
                // No ssh server: nothing to listen on, nothing to clash with another Karaf on this machine.
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // Karaf resolves mvn: URLs from its system/ folder and target/features-repo only: no remote repository
                // (unreachable ones cost minutes, G14), and a local repository of its own, so that nothing comes
                // from, or is written to, ~/.m2.
                editConfigurationFilePut(paxUrl, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(paxUrl, "org.ops4j.pax.url.mvn.defaultRepositories",
                        "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,"
                                + featuresRepo + "@id=poolkit.itests@snapshots"),
                editConfigurationFilePut(paxUrl, "org.ops4j.pax.url.mvn.localRepository",
                        examDirectory.resolve("local-repository").toString()),
                editConfigurationFilePut(paxUrl, "org.ops4j.pax.url.mvn.offline", "true"),
                editConfigurationFilePut(paxUrl, "org.ops4j.pax.url.mvn.useFallbackRepositories", "false"),
                features(maven("org.poolkit", "poolkit-features").type("xml").classifier("features")
                                .version(property("poolkit.version")),
                        "poolkit", "poolkit-queue", "poolkit-null", "poolkit-static", "poolkit-derby"),
                replaceConfigurationFile("etc/" + CFG, new File("src/test/resources/" + CFG)));
    }

    /** The file in etc/ becomes a data source that hands out working connections, with the strategy it names. */
    @Test
    public void dataSourceFromEtcServesConnections() throws Exception {
        ServiceReference<DataSource> ref = awaitDataSource("orders", "queue");
        assertWorks(context.getService(ref));
    }

    /**
     * Editing the file swaps the strategy under the same DataSource service (same service.id), there and back; a
     * connection taken before the swaps and those taken after work.
     */
    @Test
    public void editingTheCfgFileSwapsTheStrategyInPlace() throws Exception {
        ServiceReference<DataSource> before = awaitDataSource("orders", "queue");
        long serviceId = serviceId(before);
        DataSource dataSource = context.getService(before);
        Path cfg = Paths.get(property("karaf.etc"), CFG);
        String original = Files.readString(cfg);
        try (Connection heldAcrossTheSwaps = dataSource.getConnection()) {
            Files.writeString(cfg, original.replaceAll("(?m)^strategy\\s*=.*$", "strategy = static"));
            assertEquals("the swap to static kept the DataSource service", serviceId,
                    serviceId(awaitDataSource("orders", "static")));
            assertWorks(dataSource);

            Files.writeString(cfg, original);
            assertEquals("the swap back to queue kept the DataSource service", serviceId,
                    serviceId(awaitDataSource("orders", "queue")));
            assertWorks(heldAcrossTheSwaps);
        }
        assertWorks(dataSource);
    }

    /**
     * The pool: commands work in Karaf's console: list and status show the data source from etc/, swap changes its
     * strategy (through Configuration Admin) under the same service, and a bad name gets a message, not a stack trace.
     */
    @Test
    public void poolCommandsInKarafsConsole() throws Exception {
        long serviceId = serviceId(awaitDataSource("orders", "queue"));

        String list = execute("pool:list");
        assertMatches(list, "(?s).*NAME +STRATEGY +SIZE +OUT +IDLE +OVERFLOW +STATE\\R+orders +queue +2 .* active\\R.*");

        String status = execute("pool:status orders");
        assertMatches(status, "(?s).*configuration +org\\.poolkit\\.datasource~orders\\R.*");
        assertMatches(status, "(?s).*url +jdbc:derby:memory:orders;create=true\\R.*");
        assertMatches(status, "(?s).*strategy +queue\\R.*");
        assertMatches(status, "(?s).*pool\\.size +2\\R.*");

        String swap = execute("pool:swap orders null");
        assertMatches(swap, "(?s)orders: strategy queue -> null .*");
        ServiceReference<DataSource> swapped = awaitDataSource("orders", "null");
        assertEquals("pool:swap kept the DataSource service", serviceId, serviceId(swapped));
        assertWorks(context.getService(swapped));
        assertMatches(execute("pool:list"), "(?s).*\\Rorders +null .* active\\R.*");

        assertMatches(execute("pool:swap orders queue"), "(?s)orders: strategy null -> queue .*");
        assertEquals(serviceId, serviceId(awaitDataSource("orders", "queue")));

        String unknown = execute("pool:status nosuch");
        assertMatches(unknown, "(?s).*nosuch.*");
        assertTrue("a stack trace reached the console:\n" + unknown, !unknown.contains("\tat "));
    }

    // ---- helpers

    /** @return what the command printed, on its output and error streams */
    private String execute(String command) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ExecutorService console = Executors.newSingleThreadExecutor();
        try (PrintStream out = new PrintStream(printed, true, UTF_8);
                Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            Future<Object> result = console.submit(() -> session.execute(command));
            try {
                result.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                fail(command + " did not return within " + BOUND_MILLIS + " ms; printed:\n" + printed.toString(UTF_8));
            }
        } finally {
            console.shutdownNow();
        }
        return printed.toString(UTF_8);
    }

    private static void assertMatches(String actual, String regex) {
        assertTrue("expected to match " + regex + ", was:\n" + actual, actual.matches(regex));
    }


    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set; run the tests with Maven "
                    + "from the reactor root (mvn verify)");
        }
        return value;
    }

    /**
     * @param strategy the pool.strategy service property to wait for, or null for any
     * @return the one DataSource service of that name, once it is registered (with that strategy)
     */
    private ServiceReference<DataSource> awaitDataSource(String name, String strategy) {
        String what = "data source '" + name + "'" + (strategy == null ? "" : " with strategy " + strategy);
        await(() -> {
            ServiceReference<DataSource> ref = dataSourceRef(name);
            return ref != null && (strategy == null || strategy.equals(ref.getProperty("pool.strategy")));
        }, what);
        return dataSourceRef(name);
    }

    private ServiceReference<DataSource> dataSourceRef(String name) {
        try {
            Collection<ServiceReference<DataSource>> refs = context.getServiceReferences(DataSource.class,
                    "(dataSourceName=" + name + ")");
            if (refs.size() > 1) {
                fail("one configuration made " + refs.size() + " data sources named " + name);
            }
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty("service.id");
    }

    private static void assertWorks(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertWorks(connection);
        }
    }

    private static void assertWorks(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("VALUES 1")) {
            assertTrue("VALUES 1 returned no row", row.next());
            assertEquals(1, row.getInt(1));
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + BOUND_MILLIS + " ms waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}

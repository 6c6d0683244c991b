package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import javax.sql.DataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.poolkit.api.Pool;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * A configuration the data source cannot use is rejected (and logged, naming the property and the value), and the
 * data source that was running keeps running on its last good configuration: same service, same pool, still serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadConfigurationIT extends PoolkitTestSupport {

    /** A bad change: the property and the value to give it, or {@code null} to remove it. */
    private record Bad(String property, Object value) {
    }

    private static final List<Bad> BAD = List.of(
            new Bad("strategy", "no-such-strategy"),
            new Bad("pool.size", -1),
            new Bad("pool.size", "five"),
            // Refused by the queue strategy itself, when the same strategy builds the new pool.
            new Bad("pool.size", 70_000),
            new Bad("timeout", -2),
            new Bad("timeout", "soon"),
            new Bad("url", null),
            new Bad("osgi.jdbc.driver.name", "no-such-driver"),
            new Bad("url", "jdbc:unknown:nowhere"));

    @Test
    public void eachBadConfigurationLeavesTheDataSourceServingOnItsLastGoodOne() throws Exception {
        Hashtable<String, Object> good = derby("bad");
        Configuration configuration = create(good);
        ServiceReference<DataSource> ref = awaitDataSource("bad");
        long serviceId = serviceId(ref);
        RegistrationEvents registrations = listenForRegistrations("bad");
        DataSource dataSource = context.getService(ref);
        createTable(dataSource, "T");
        Pool pool = pool(dataSource);
        Connection held = dataSource.getConnection();

        int marker = 0;
        for (Bad bad : BAD) {
            Hashtable<String, Object> properties = new Hashtable<>(good);
            if (bad.value() == null) {
                properties.remove(bad.property());
            } else {
                properties.put(bad.property(), bad.value());
            }
            configuration.update(properties);

            // The data source says what it logged in a service property: the property and the value.
            await(() -> rejection(bad) != null, "the rejection of " + bad);
            String rejection = rejection(bad);
            assertTrue(rejection, rejection.startsWith(bad.property() + " must"));
            assertTrue(rejection, bad.value() == null || rejection.contains("'" + bad.value() + "'")
                    || rejection.contains("was " + bad.value()));
            assertFalse("never the password: " + rejection, rejection.contains("not-a-real-secret"));
            assertTrue("logged: " + rejection, loggedErrors().stream().anyMatch(line -> line.contains(rejection)));
            assertSame(bad + " left the same pool running", pool, pool(dataSource));
            transaction(dataSource, "T");

            int seconds = 10 + ++marker;
            good.put("timeout", seconds);
            configuration.update(good);
            await(() -> pool.settings().timeout().equals(Duration.ofSeconds(seconds))
                    && dataSourceRef("bad").getProperty("poolkit.rejected") == null,
                    "the good change after " + bad + " taken in place, and the rejection cleared");
            transaction(dataSource, "T");
        }

        assertEquals("every transaction committed", 2 * BAD.size(), count(held, "T"));
        held.close();
        assertEquals(serviceId, serviceId(dataSourceRef("bad")));
        assertFalse("no password in any logged error",
                loggedErrors().stream().anyMatch(line -> line.contains("not-a-real-secret")));
        assertEquals("never unregistered", List.of(), registrations.events);
        context.removeServiceListener(registrations);
        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("bad");
        await(() -> !usesQueueStrategy(), "the data source bundle to let go of the queue strategy");
    }

    /** @return whether the data source bundle still holds the queue strategy's service */
    private boolean usesQueueStrategy() {
        try {
            for (ServiceReference<PoolStrategyProvider> ref : context.getServiceReferences(PoolStrategyProvider.class,
                    "(pool.strategy=queue)")) {
                Bundle[] users = ref.getUsingBundles();
                if (users != null && Arrays.stream(users)
                        .anyMatch(user -> "org.poolkit.datasource".equals(user.getSymbolicName()))) {
                    return true;
                }
            }
            return false;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** @return the data source's rejection message if it is about this bad change, else null */
    private String rejection(Bad bad) {
        Object rejected = dataSourceRef("bad").getProperty("poolkit.rejected");
        return rejected != null && ((String) rejected).startsWith(bad.property()) ? (String) rejected : null;
    }

    @Test
    public void aBadFirstConfigurationRegistersNothingUntilItIsFixed() throws Exception {
        Hashtable<String, Object> properties = derby("fixme");
        properties.put("pool.size", "lots");
        Configuration configuration = create(properties);
        Hashtable<String, Object> marker = derby("marker");
        Configuration markerConfiguration = create(marker);
        awaitDataSource("marker");
        assertEquals(null, dataSourceRef("fixme"));

        properties.put("pool.size", 4);
        configuration.update(properties);

        DataSource dataSource = context.getService(awaitDataSource("fixme"));
        assertEquals(4, pool(dataSource).settings().poolSize());
        configuration.delete();
        markerConfiguration.delete();
        awaitNoDataSource("fixme");
        awaitNoDataSource("marker");
    }
}

package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import javax.sql.DataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.poolkit.api.PoolEvents;

/** A factory configuration makes a working DataSource; deleting it takes it away with every connection closed. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DataSourceLifecycleIT extends PoolkitTestSupport {

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metaType;

    @Test
    public void aConfigurationMakesAWorkingDataSourceAndDeletingItClosesEveryConnection() throws Exception {
        CountingDriverFactory physical = registerCountingDriver();
        ConnectionCounter counter = new ConnectionCounter();
        ServiceRegistration<PoolEvents> listening = registerCounter(counter, "lifecycle");
        Hashtable<String, Object> properties = derby("lifecycle");
        properties.put("osgi.jdbc.driver.name", CountingDriverFactory.NAME);
        // Derby creates the database only if told to: here through a driver property, not the url.
        properties.put("url", "jdbc:derby:memory:lifecycle");
        properties.put("jdbc.create", "true");
        Configuration configuration = create(properties);

        ServiceReference<DataSource> ref = awaitDataSource("lifecycle");
        assertEquals("lifecycle", ref.getProperty("osgi.jndi.service.name"));
        assertEquals("queue", ref.getProperty("pool.strategy"));
        assertEquals("the password is never a service property", null, ref.getProperty("password"));
        DataSource dataSource = context.getService(ref);
        createTable(dataSource, "T");
        List<Connection> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(dataSource.getConnection());
        }
        transaction(dataSource, "T");
        assertEquals(1, count(held.get(0), "T"));
        assertOpen(4, counter, "three held and one idle");
        assertEquals("physical connections open", 4, physical.open());
        for (Connection connection : held.subList(1, 3)) {
            connection.close();
        }

        configuration.delete();

        awaitNoDataSource("lifecycle");
        awaitOpen(1, counter, "every idle connection closed; the held one still open");
        assertEquals("physical connections open", 1, physical.open());
        assertEquals(1, count(held.get(0), "T"));
        held.get(0).close();
        assertOpen(0, counter, "the held one closed when it came back");
        assertEquals("no physical connection open", 0, physical.open());
        assertTrue(counter.connects.get() >= 4);
        try {
            dataSource.getConnection();
            throw new AssertionError("a deleted data source must not hand out connections");
        } catch (SQLException expected) {
            assertEquals("08003", expected.getSQLState());
        }
        context.ungetService(ref);
        listening.unregister();
    }

    @Test
    public void everyBundleResolvesAndEveryComponentIsActive() throws Exception {
        Configuration configuration = create(derby("components"));
        awaitDataSource("components");

        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get("Fragment-Host") != null;
            assertEquals(bundle.getSymbolicName() + " is active", fragment ? Bundle.RESOLVED : Bundle.ACTIVE,
                    bundle.getState());
        }
        int poolkitComponents = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.bundle.symbolicName.startsWith("org.poolkit.")) {
                continue;
            }
            poolkitComponents++;
            assertTrue(description.name + " is enabled", scr.isComponentEnabled(description));
            List<Integer> states = new ArrayList<>();
            for (ComponentConfigurationDTO configured : scr.getComponentConfigurationDTOs(description)) {
                states.add(configured.state);
            }
            assertFalse(description.name + " has a configuration", states.isEmpty());
            for (int state : states) {
                assertTrue(description.name + " is satisfied or active, was " + state,
                        state == ComponentConfigurationDTO.ACTIVE || state == ComponentConfigurationDTO.SATISFIED);
            }
        }
        assertEquals("the data source component and the five strategies", 6, poolkitComponents);
        assertEquals(java.util.Set.of("assertion", "null", "queue", "static", "threadlocal"), installedStrategies());
        assertEquals("errors logged", List.of(), loggedErrors());
        configuration.delete();
        awaitNoDataSource("components");
    }

    @Test
    public void theMetatypeDescribesEveryPropertyWithThePasswordAsAPassword() {
        Bundle dataSourceBundle = null;
        for (Bundle bundle : context.getBundles()) {
            if ("org.poolkit.datasource".equals(bundle.getSymbolicName())) {
                dataSourceBundle = bundle;
            }
        }
        ObjectClassDefinition definition = metaType.getMetaTypeInformation(dataSourceBundle)
                .getObjectClassDefinition(PID, null);
        List<String> ids = new ArrayList<>();
        for (AttributeDefinition attribute : definition.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ids.add(attribute.getID());
            if (attribute.getID().equals("password")) {
                assertEquals(AttributeDefinition.PASSWORD, attribute.getType());
            }
        }
        assertEquals(List.of("dataSourceName", "osgi.jndi.service.name", "osgi.jdbc.driver.name",
                "osgi.jdbc.driver.class", "url", "user", "password", "strategy", "pool.size", "max.overflow", "timeout",
                "use.lifo", "recycle", "pre.ping", "reset.on.return", "leak.detection.threshold"), ids);
    }
}

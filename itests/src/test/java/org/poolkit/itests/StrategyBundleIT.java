package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;

import java.sql.Connection;
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
import org.poolkit.api.PoolEvents;

/** When the strategy's bundle stops, its pools are disposed and the DataSource goes away until it is back. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StrategyBundleIT extends PoolkitTestSupport {

    @Test
    public void stoppingAndStartingTheQueueBundle() throws Exception {
        ConnectionCounter counter = new ConnectionCounter();
        ServiceRegistration<PoolEvents> listening = registerCounter(counter, "restart");
        Configuration configuration = create(derby("restart"));
        ServiceReference<DataSource> ref = awaitDataSource("restart");
        DataSource dataSource = context.getService(ref);
        createTable(dataSource, "T");
        Connection held = dataSource.getConnection();
        transaction(dataSource, "T");
        assertOpen(2, counter, "one held, one idle");
        Bundle queue = bundle("org.poolkit.queuepool");

        queue.stop();

        awaitNoDataSource("restart");
        awaitOpen(1, counter, "the idle connection closed; the held one still open");
        assertEquals(1, count(held, "T"));
        held.close();
        assertOpen(0, counter, "the held one closed when it came back");

        queue.start();

        ServiceReference<DataSource> again = awaitDataSource("restart");
        assertNotEquals("registered anew", serviceId(ref), serviceId(again));
        DataSource restarted = context.getService(again);
        transaction(restarted, "T");
        try (Connection connection = restarted.getConnection()) {
            assertEquals(2, count(connection, "T"));
        }
        context.ungetService(ref);
        context.ungetService(again);
        configuration.delete();
        awaitNoDataSource("restart");
        awaitOpen(0, counter, "nothing left open");
        listening.unregister();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        assertNotNull(symbolicName + " is installed", null);
        return null;
    }
}

package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEvents;

/** The live swap: strategy and settings change under load with the same DataSource service and nothing lost. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveSwapIT extends PoolkitTestSupport {

    /** One round of swaps; the test runs it twice. */
    private static final List<String> ROUND = List.of("queue", "null", "static", "threadlocal", "queue");
    private static final int THREADS = 8;

    /**
     * Eight threads run transactions for the whole test while the configuration is switched queue, null, static,
     * threadlocal, queue, twice (and between two users, so that queue to queue is a swap too): no getConnection() fails, the service.id never changes, a connection held across every swap still
     * works, and at the end only the final pool's connections are open.
     */
    @Test
    public void swapUnderLoadLosesNothing() throws Exception {
        CountingDriverFactory physical = registerCountingDriver();
        ConnectionCounter counter = new ConnectionCounter();
        ServiceRegistration<PoolEvents> listening = registerCounter(counter, "swap");
        Hashtable<String, Object> properties = derby("swap");
        properties.put("osgi.jdbc.driver.name", CountingDriverFactory.NAME);
        // A queue pool smaller than the load, so that checkouts wait at its limit when a swap comes.
        properties.put("pool.size", 2);
        properties.put("max.overflow", 2);
        Configuration configuration = create(properties);
        ServiceReference<DataSource> ref = awaitDataSource("swap");
        long serviceId = serviceId(ref);
        RegistrationEvents registrations = listenForRegistrations("swap");
        DataSource dataSource = context.getService(ref);
        createTable(dataSource, "APP.SWAP");
        Connection heldAcrossSwaps = dataSource.getConnection();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger transactions = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch finished = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        transaction(dataSource, "APP.SWAP");
                        transactions.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    finished.countDown();
                }
            }, "transactions-" + t);
            worker.setDaemon(true);
            worker.start();
        }

        List<String> steps = new ArrayList<>(ROUND);
        steps.addAll(ROUND);
        int step = 0;
        for (String strategy : steps) {
            step++;
            Pool before = pool(dataSource);
            int transactionsBefore = transactions.get();
            properties.put("strategy", strategy);
            properties.put("user", step % 2 == 0 ? "app" : "app2");
            configuration.update(properties);
            await(() -> swappedTo(dataSource, before, strategy), "the swap to " + strategy + " (step " + step + ")");
            await(() -> transactions.get() >= transactionsBefore + 2 * THREADS || !failures.isEmpty(),
                    "transactions on the new pool");
        }

        assertTrue("the held connection still works after " + steps.size() + " swaps",
                count(heldAcrossSwaps, "APP.SWAP") > 0);
        heldAcrossSwaps.close();
        stop.set(true);
        assertTrue("the transaction threads finished", finished.await(BOUND_MILLIS, TimeUnit.MILLISECONDS));
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " transactions failed during the swaps");
            failures.forEach(error::addSuppressed);
            throw error;
        }
        assertTrue(transactions.get() > steps.size() * 2 * THREADS);
        assertEquals("the same service throughout", serviceId, serviceId(dataSourceRef("swap")));
        assertEquals("never unregistered or registered again", List.of(), registrations.events);
        Pool last = pool(dataSource);
        assertEquals(0, last.status().checkedOut());
        assertOpen(last.status().open(), counter, "only the final pool's connections are open");
        assertEquals("physical connections open: only the final pool's", last.status().open(), physical.open());

        context.removeServiceListener(registrations);
        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("swap");
        awaitOpen(0, counter, "deleting the configuration closed the rest");
        assertEquals("no physical connection open", 0, physical.open());
        listening.unregister();
    }

    private static boolean swappedTo(DataSource dataSource, Pool before, String strategy) {
        try {
            Pool now = pool(dataSource);
            return now != before && now.strategy().equals(strategy);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void poolSizeAndTimeoutChangeInPlace() throws Exception {
        Hashtable<String, Object> properties = derby("inplace");
        Configuration configuration = create(properties);
        ServiceReference<DataSource> ref = awaitDataSource("inplace");
        DataSource dataSource = context.getService(ref);
        Pool pool = pool(dataSource);
        assertEquals(5, pool.settings().poolSize());

        properties.put("pool.size", 8);
        properties.put("timeout", 3);
        configuration.update(properties);

        // The first pool's own settings change: a new pool would leave them as they were, and this wait would fail.
        await(() -> pool.settings().poolSize() == 8, "pool.size 8 on the running pool");
        assertEquals(Duration.ofSeconds(3), pool.settings().timeout());
        assertSame("no new pool", pool, pool(dataSource));
        assertEquals(8, pool.status().size());
        assertEquals(serviceId(ref), serviceId(dataSourceRef("inplace")));
        try (Connection connection = dataSource.getConnection()) {
            assertTrue(connection.isValid(1));
        }
        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("inplace");
    }

    /** Every strategy takes a change of pool.size, pre.ping and reset.on.return on its running pool. */
    @Test
    public void settingsChangeInPlaceOnEveryOtherStrategy() throws Exception {
        for (String strategy : List.of("null", "static", "threadlocal", "assertion")) {
            Hashtable<String, Object> properties = derby("engine-" + strategy);
            properties.put("strategy", strategy);
            Configuration configuration = create(properties);
            ServiceReference<DataSource> ref = awaitDataSource("engine-" + strategy);
            DataSource dataSource = context.getService(ref);
            Pool pool = pool(dataSource);

            properties.put("pre.ping", true);
            properties.put("reset.on.return", "commit");
            properties.put("pool.size", 3);
            configuration.update(properties);

            await(() -> pool.settings().prePing(), "pre.ping on the running " + strategy + " pool");
            assertEquals(org.poolkit.api.ResetStyle.COMMIT, pool.settings().resetOnReturn());
            assertSame("no new " + strategy + " pool", pool, pool(dataSource));
            assertEquals(3, pool.settings().poolSize());
            if (strategy.equals("threadlocal")) {
                assertEquals("threads kept", 3, pool.status().size());
            }
            try (Connection connection = dataSource.getConnection()) {
                assertTrue(connection.isValid(1));
            }
            context.ungetService(ref);
            configuration.delete();
            awaitNoDataSource("engine-" + strategy);
        }
    }

    @Test
    public void twoDataSourcesWithDifferentStrategiesSideBySide() throws Exception {
        String otherStrategy = "null";
        ConnectionCounter leftCounter = new ConnectionCounter();
        ConnectionCounter rightCounter = new ConnectionCounter();
        ConnectionCounter everyPool = new ConnectionCounter();
        List<ServiceRegistration<PoolEvents>> listening = List.of(registerCounter(leftCounter, "left"),
                registerCounter(rightCounter, "right"), context.registerService(PoolEvents.class, everyPool, null));
        Hashtable<String, Object> left = derby("left");
        left.put("pool.size", 2);
        Hashtable<String, Object> right = derby("right");
        right.put("strategy", otherStrategy);
        // The DataSourceFactory chosen by driver class rather than by name.
        right.remove("osgi.jdbc.driver.name");
        right.put("osgi.jdbc.driver.class", "org.apache.derby.jdbc.EmbeddedDriver");
        right.put("pool.size", 3);
        Configuration leftConfiguration = create(left);
        Configuration rightConfiguration = create(right);
        DataSource leftSource = context.getService(awaitDataSource("left"));
        DataSource rightSource = context.getService(awaitDataSource("right"));

        createTable(leftSource, "L");
        createTable(rightSource, "R");
        transaction(leftSource, "L");
        transaction(rightSource, "R");
        try (Connection l = leftSource.getConnection(); Connection r = rightSource.getConnection()) {
            assertEquals(1, count(l, "L"));
            assertEquals(1, count(r, "R"));
        }

        assertEquals("queue", pool(leftSource).strategy());
        assertEquals(otherStrategy, pool(rightSource).strategy());
        assertEquals(2, pool(leftSource).settings().poolSize());
        assertEquals(3, pool(rightSource).settings().poolSize());
        assertNotEquals(pool(leftSource), pool(rightSource));
        assertOpen(pool(leftSource).status().open(), leftCounter, "left hears only its own pool");
        assertOpen(pool(rightSource).status().open(), rightCounter, "right hears only its own pool");
        assertEquals("a listener without pool.name hears every pool",
                leftCounter.connects.get() + rightCounter.connects.get(), everyPool.connects.get());

        leftConfiguration.delete();
        rightConfiguration.delete();
        awaitNoDataSource("left");
        awaitNoDataSource("right");
        awaitOpen(0, everyPool, "both deleted, nothing open");
        listening.forEach(ServiceRegistration::unregister);
    }
}

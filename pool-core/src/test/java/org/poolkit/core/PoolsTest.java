package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poolkit.api.Pool;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubDriver;

/**
 * {@link Pools}, the plain-Java entry point: strategies found by name through {@link java.util.ServiceLoader}, and
 * arguments checked with messages that say what is wrong. The test installs {@link SimpleStrategyProvider} through a
 * services file that a thread context class loader serves, as a strategy jar would list it.
 */
class PoolsTest {

    private static final String SERVICES = "META-INF/services/" + PoolStrategyProvider.class.getName();

    private final StubDriver driver = new StubDriver();
    private ClassLoader previous;

    @BeforeEach
    void installSimpleStrategy(@TempDir Path directory) throws IOException {
        // Listed out of order, so that sorting shows.
        Path services = Files.writeString(directory.resolve("services"),
                SimpleStrategyProvider.class.getName() + "\n" + AnotherStrategyProvider.class.getName() + "\n");
        previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new ServicesClassLoader(previous, services.toUri().toURL()));
    }

    @AfterEach
    void uninstall() {
        Thread.currentThread().setContextClassLoader(previous);
    }

    @Test
    void strategyIsFoundByName() throws SQLException {
        Pool pool = Pools.create("simple", driver, TestPools.settings());

        assertEquals("simple", pool.strategy());
        assertEquals("test", pool.name());
        TestPools.cycle(pool);
        assertEquals(1, driver.opened());
    }

    @Test
    void installedStrategiesAreListedSorted() {
        assertEquals(List.of("another", "simple"), Pools.strategies());
    }

    @Test
    void unknownStrategyIsRejectedWithTheInstalledOnesListed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pools.create("nosuch", driver, TestPools.settings()));

        assertTrue(e.getMessage().contains("'nosuch'"), e.getMessage());
        assertTrue(e.getMessage().contains("[another, simple]"), e.getMessage());
    }

    @Test
    void nullCreatorIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pools.create("simple", null, TestPools.settings()));

        assertTrue(e.getMessage().contains("creator"), e.getMessage());
    }

    @Test
    void nullSettingsAndNullClockAreRejectedByName() {
        SimpleStrategyProvider provider = new SimpleStrategyProvider();

        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Pools.create(provider, driver, null, new FakeClock())).getMessage().contains("settings"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Pools.create(provider, driver, TestPools.settings(), null)).getMessage().contains("clock"));
    }

    @Test
    void newPoolOpensNoConnection() {
        Pools.create("simple", driver, TestPools.settings());

        assertEquals(0, driver.connectAttempts());
    }

    /** Serves one services file for {@link PoolStrategyProvider}; everything else comes from its parent. */
    private static final class ServicesClassLoader extends ClassLoader {

        private final URL services;

        ServicesClassLoader(ClassLoader parent, URL services) {
            super(parent);
            this.services = services;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return SERVICES.equals(name) ? Collections.enumeration(List.of(services)) : super.getResources(name);
        }
    }

    /** A second strategy on the class path: the simple one under another name. */
    public static final class AnotherStrategyProvider implements PoolStrategyProvider {

        @Override
        public String name() {
            return "another";
        }

        @Override
        public PoolStrategy create(PoolContext context) {
            return new SimpleStrategy(context);
        }
    }
}

package org.poolkit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes pools in plain Java, without an OSGi framework:
 *
 * <pre>{@code
 * Pool pool = Pools.create("queue", ConnectionCreator.of(driverDataSource), PoolSettings.defaults().withPoolSize(8));
 * try (Connection connection = pool.checkout()) {
 *     ...
 * }
 * }</pre>
 *
 * Strategies are found by name through {@link ServiceLoader}: each strategy jar lists its
 * {@link PoolStrategyProvider} in {@code META-INF/services}. Thread-safe.
 */
public final class Pools {

    private Pools() {
    }

    /**
     * Makes a pool with the named strategy. It opens no connection until its first checkout.
     *
     * @param strategy the strategy's name: {@code queue}, {@code null}, {@code static}, {@code threadlocal},
     *                 {@code assertion}
     * @param creator  opens the driver connections
     * @param settings the pool's settings
     * @return the new pool
     * @throws IllegalArgumentException when no installed strategy has that name (the message lists those that
     *                                  are), or a parameter is null or unsuitable for the strategy
     */
    public static Pool create(String strategy, ConnectionCreator creator, PoolSettings settings) {
        return create(strategy, creator, settings, System::nanoTime);
    }

    /**
     * As {@link #create(String, ConnectionCreator, PoolSettings)}, with the clock the pool measures connection ages
     * by; tests pass a clock they move by hand.
     *
     * @param strategy  the strategy's name
     * @param creator   opens the driver connections
     * @param settings  the pool's settings
     * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
     * @return the new pool
     */
    public static Pool create(String strategy, ConnectionCreator creator, PoolSettings settings,
            LongSupplier nanoClock) {
        return create(provider(strategy), creator, settings, nanoClock);
    }

    /**
     * Makes a pool with a strategy provider at hand, as the OSGi data source does with the provider service it is
     * bound to.
     *
     * @param provider  the strategy's provider
     * @param creator   opens the driver connections
     * @param settings  the pool's settings
     * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
     * @return the new pool
     */
    public static Pool create(PoolStrategyProvider provider, ConnectionCreator creator, PoolSettings settings,
            LongSupplier nanoClock) {
        return new Engine(provider, creator, settings, nanoClock);
    }

    /** @return the names of the strategies installed on the class path, sorted */
    public static List<String> strategies() {
        TreeSet<String> names = new TreeSet<>();
        for (PoolStrategyProvider provider : providers()) {
            names.add(provider.name());
        }
        return new ArrayList<>(names);
    }

    private static PoolStrategyProvider provider(String name) {
        for (PoolStrategyProvider provider : providers()) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("strategy '" + name + "' is not installed; installed: " + strategies());
    }

    private static List<PoolStrategyProvider> providers() {
        List<PoolStrategyProvider> found = new ArrayList<>();
        ServiceLoader.load(PoolStrategyProvider.class, Pools.class.getClassLoader()).forEach(found::add);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Pools.class.getClassLoader()) {
            ServiceLoader.load(PoolStrategyProvider.class, context).forEach(found::add);
        }
        return found;
    }
}

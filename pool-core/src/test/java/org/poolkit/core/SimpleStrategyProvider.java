package org.poolkit.core;

import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link SimpleStrategy}s. Public with a public constructor so that {@link java.util.ServiceLoader} can
 * instantiate it when {@link PoolsTest} lists it in a services file. Stateless; thread-safe.
 */
public final class SimpleStrategyProvider implements PoolStrategyProvider {

    @Override
    public String name() {
        return SimpleStrategy.NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new SimpleStrategy(context);
    }
}

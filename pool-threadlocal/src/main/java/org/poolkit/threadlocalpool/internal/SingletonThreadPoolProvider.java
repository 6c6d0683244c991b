package org.poolkit.threadlocalpool.internal;

import org.osgi.service.component.annotations.Component;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link SingletonThreadPool}s. In OSGi a DS component with {@code pool.strategy=threadlocal}; elsewhere listed in
 * {@code META-INF/services}. Stateless.
 */
@Component(service = PoolStrategyProvider.class, property = "pool.strategy=" + SingletonThreadPoolProvider.NAME)
public final class SingletonThreadPoolProvider implements PoolStrategyProvider {

    /** The strategy's configuration name. */
    public static final String NAME = "threadlocal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new SingletonThreadPool(context);
    }
}

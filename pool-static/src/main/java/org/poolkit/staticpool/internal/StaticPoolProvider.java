package org.poolkit.staticpool.internal;

import org.osgi.service.component.annotations.Component;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link StaticPool}s. In OSGi a DS component with {@code pool.strategy=static}; elsewhere listed in
 * {@code META-INF/services}. Stateless.
 */
@Component(service = PoolStrategyProvider.class, property = "pool.strategy=" + StaticPoolProvider.NAME)
public final class StaticPoolProvider implements PoolStrategyProvider {

    /** The strategy's configuration name. */
    public static final String NAME = "static";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new StaticPool(context);
    }
}

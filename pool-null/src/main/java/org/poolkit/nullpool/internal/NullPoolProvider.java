package org.poolkit.nullpool.internal;

import org.osgi.service.component.annotations.Component;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link NullPool}s. In OSGi a DS component with {@code pool.strategy=null}; elsewhere listed in
 * {@code META-INF/services}. Stateless.
 */
@Component(service = PoolStrategyProvider.class, property = "pool.strategy=" + NullPoolProvider.NAME)
public final class NullPoolProvider implements PoolStrategyProvider {

    /** The strategy's configuration name. */
    public static final String NAME = "null";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new NullPool(context);
    }
}

package org.poolkit.queuepool.internal;

import org.osgi.service.component.annotations.Component;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link QueuePool}s. In OSGi a DS component with {@code pool.strategy=queue}; elsewhere listed in
 * {@code META-INF/services}. Stateless.
 */
@Component(service = PoolStrategyProvider.class, property = "pool.strategy=" + QueuePoolProvider.NAME)
public final class QueuePoolProvider implements PoolStrategyProvider {

    /** The strategy's configuration name. */
    public static final String NAME = "queue";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new QueuePool(context);
    }
}

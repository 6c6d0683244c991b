package org.poolkit.assertionpool.internal;

import org.osgi.service.component.annotations.Component;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;

/**
 * Makes {@link AssertionPool}s. In OSGi a DS component with {@code pool.strategy=assertion}; elsewhere listed in
 * {@code META-INF/services}. Stateless.
 */
@Component(service = PoolStrategyProvider.class, property = "pool.strategy=" + AssertionPoolProvider.NAME)
public final class AssertionPoolProvider implements PoolStrategyProvider {

    /** The strategy's configuration name. */
    public static final String NAME = "assertion";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PoolStrategy create(PoolContext context) {
        return new AssertionPool(context);
    }
}

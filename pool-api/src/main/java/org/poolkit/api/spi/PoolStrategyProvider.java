package org.poolkit.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes the strategy of one pool. A strategy bundle registers its provider as a service with the property
 * {@code pool.strategy} = {@link #name()}; outside OSGi it is listed in
 * {@code META-INF/services/org.poolkit.api.spi.PoolStrategyProvider}. Thread-safe and stateless.
 */
@ConsumerType
public interface PoolStrategyProvider {

    /** @return the strategy's configuration name: {@code queue}, {@code null}, {@code static}, ... */
    String name();

    /**
     * @param context what the engine gives the new strategy
     * @return a new strategy for one pool
     * @throws IllegalArgumentException when the context's settings do not suit the strategy, naming the property
     */
    PoolStrategy create(PoolContext context);
}

package org.poolkit.core;

import java.sql.SQLException;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.testkit.FakeClock;

/**
 * The smallest sharing strategy: one shared entry for every checkout, made at the first. Holds no lock because the
 * tests using it connect once, first. Keeps the engine's side of shared entries testable where the engine is changed.
 */
final class OneSharedEntry implements PoolStrategy {

    private final PoolContext context;
    private volatile PoolEntry entry;

    private OneSharedEntry(PoolContext context) {
        this.context = context;
    }

    /** @return an engine over this strategy, on a fake clock */
    static Engine pool(ConnectionCreator creator, PoolSettings settings) {
        PoolStrategyProvider provider = new PoolStrategyProvider() {
            @Override
            public String name() {
                return "shared";
            }

            @Override
            public PoolStrategy create(PoolContext context) {
                return new OneSharedEntry(context);
            }
        };
        return (Engine) Pools.create(provider, creator, settings, new FakeClock());
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        if (entry == null) {
            entry = context.newSharedEntry();
        }
        return entry;
    }

    @Override
    public void checkin(PoolEntry returned) {
    }

    @Override
    public void dispose() {
    }

    @Override
    public PoolStatus status() {
        return new PoolStatus(context.poolName(), "shared", 1, 0, 0, 0, 0, context.openConnections(), "shared");
    }
}

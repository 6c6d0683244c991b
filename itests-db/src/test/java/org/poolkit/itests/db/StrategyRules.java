package org.poolkit.itests.db;

import org.poolkit.api.PoolSettings;

/**
 * What each strategy promises under contention, as the stress and property tests check it.
 *
 * @param strategy          the strategy's name
 * @param maxOpen           driver connections the strategy may have open at once, given the settings and the number
 *                          of holder threads
 * @param sharedConnection  whether holders share one connection by design (StaticPool): then "one connection, one
 *                          holder" does not apply, and one holder's invalidation is felt by the others
 * @param oneHolderAtATime  whether the strategy allows a single checkout at a time (AssertionPool): the test then
 *                          lets one thread hold a connection at a time
 */
record StrategyRules(String strategy, int maxOpen, boolean sharedConnection, boolean oneHolderAtATime) {

    /** {@link #maxOpen()} of a strategy that opens as many connections as it has holders. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /**
     * @param strategy a strategy name as {@code Pools.strategies()} lists it
     * @param settings the pool's settings
     * @param threads  threads that check out concurrently
     * @return the strategy's invariants
     * @throws AssertionError for a strategy nobody has written the invariants of: a new strategy must say what it
     *                        promises before it is stressed
     */
    static StrategyRules of(String strategy, PoolSettings settings, int threads) {
        switch (strategy) {
            case "queue":
                // pool.size kept, max.overflow more while demand lasts; pool.size 0 or max.overflow -1: no limit.
                boolean unbounded = settings.poolSize() == 0 || settings.maxOverflow() == -1;
                return new StrategyRules(strategy, unbounded ? UNBOUNDED : settings.poolSize() + settings.maxOverflow(),
                        false, false);
            default:
                throw new AssertionError("no invariants known for strategy '" + strategy + "': add them to "
                        + "StrategyRules before it can be stressed");
        }
    }
}

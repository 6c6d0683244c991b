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
 * @param perThread         whether a thread's nested checkouts share its one connection (SingletonThreadPool): then
 *                          "one connection, one holder" holds between threads, not between one thread's handles
 */
record StrategyRules(String strategy, int maxOpen, boolean sharedConnection, boolean oneHolderAtATime,
        boolean perThread) {

    /** {@link #maxOpen()} of a strategy that opens as many connections as it has holders. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /**
     * @param strategy a strategy name as {@code Pools.strategies()} lists it
     * @param settings the pool's settings
     * @param threads  threads that check out concurrently, each holding one checkout at a time, or
     *                 {@link #UNBOUNDED} when a thread may hold any number
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
                        false, false, false);
            case "null":
                // A connection per checkout, closed at checkin: never more than the holders at once.
                return new StrategyRules(strategy, threads, false, false, false);
            case "static":
                // One connection, shared by every holder at once.
                return new StrategyRules(strategy, 1, true, false, false);
            case "threadlocal":
                // One connection per thread, never handed to another thread; a thread's nested checkouts share it.
                // Idle ones beyond pool.size are closed, held ones never, so the limit is the number of threads.
                return new StrategyRules(strategy, threads, false, false, true);
            case "assertion":
                // One connection, one checkout at a time.
                return new StrategyRules(strategy, 1, false, true, false);
            default:
                throw new AssertionError("no invariants known for strategy '" + strategy + "': add them to "
                        + "StrategyRules before it can be stressed");
        }
    }
}

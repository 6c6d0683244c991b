package org.poolkit.queuepool.internal;

import org.poolkit.api.PoolEntry;

/**
 * The entries waiting in a queue pool for their next checkout, in the order the pool hands them out.
 * Implementations are thread-safe and lock-free.
 */
interface IdleEntries {

    /** @return the next entry to hand out, or {@code null} if there is none */
    PoolEntry poll();

    /**
     * Adds an entry, visibly to every thread before the method returns: a full fence, which the pool's check for
     * waiters right after it relies on.
     *
     * @param entry an entry coming back
     * @return false when the pool already keeps as many idle entries as it may; the caller discards the entry
     */
    boolean offer(PoolEntry entry);

    /** @return how many entries are idle now */
    int size();

    /**
     * @param size    {@code pool.size}: how many idle entries to keep; 0 for no limit
     * @param useLifo hand out the most recently returned entry first
     * @return the structure that fits
     */
    static IdleEntries of(int size, boolean useLifo) {
        if (size == 0) {
            return new UnboundedIdle(useLifo);
        }
        return useLifo ? new IdleStack(size) : new IdleQueue(size);
    }
}

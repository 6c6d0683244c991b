package org.poolkit.queuepool.internal;

import java.util.concurrent.ConcurrentLinkedDeque;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries without a limit, for {@code pool.size} 0. Thread-safe and lock-free, but a linked deque allocates a
 * node per checkin: the price of having no bound, paid only by pools configured without one.
 */
final class UnboundedIdle implements IdleEntries {

    private final ConcurrentLinkedDeque<PoolEntry> entries = new ConcurrentLinkedDeque<>();
    private final boolean useLifo;

    UnboundedIdle(boolean useLifo) {
        this.useLifo = useLifo;
    }

    @Override
    public PoolEntry poll() {
        return useLifo ? entries.pollLast() : entries.pollFirst();
    }

    @Override
    public boolean offer(PoolEntry entry) {
        entries.offerLast(entry);
        return true;
    }

    @Override
    public int size() {
        return entries.size();
    }
}

package org.poolkit.queuepool.internal;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries in a few stripes, each a FIFO or LIFO structure of its own: a thread returns entries to its stripe and
 * takes from it first, from the others only when it is empty. Two threads working one pool then touch their own
 * cache lines — the stripe's ends and the entries they keep reusing — instead of passing every line back and forth
 * between their cores, which is what made one shared queue lose to thread-affine pools (HikariCP, Agroal) at two
 * threads.
 *
 * <p>The order is the stripe's: one thread sees exactly FIFO (or LIFO) order, as SQLAlchemy promises; entries that
 * several threads return are handed out in order per returning thread, and a thread's own come first. Each stripe
 * has room for the whole pool, so while no more entries exist than the capacity, an offer looks at its own stripe
 * only; beyond that (overflow connections coming back) it counts every stripe, before and after ({@link #surplus}).
 * Thread-safe, no allocation; no lock but for giving back a surplus, which only overflow connections coming back
 * can make.
 */
final class StripedIdle implements IdleEntries {

    // Stripes cost memory in proportion to the pool: beyond this size one shared structure serves.
    private static final int MAX_STRIPED_SIZE = 1024;
    private static final int MAX_STRIPES = 16;

    private final IdleEntries[] stripes;
    private final int mask;
    private final int capacity;
    private final IntSupplier opened;
    private final ReentrantLock surplusTaking = new ReentrantLock();

    /**
     * @param stripes  how many, a power of two
     * @param capacity the most idle entries in all stripes together
     * @param stripe   makes one stripe of the given capacity
     * @param opened   how many entries exist, idle or not
     */
    StripedIdle(int stripes, int capacity, IntFunction<IdleEntries> stripe, IntSupplier opened) {
        this.stripes = new IdleEntries[stripes];
        this.mask = stripes - 1;
        this.capacity = capacity;
        this.opened = opened;
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = stripe.apply(capacity);
        }
    }

    /**
     * Four times the processors: the threads running at once land in stripes by their ids, and two that share one pass
     * its ends between their cores at every take and put. With twice the processors, eight threads on two processors
     * measured 10-20 % slower (connection cycle, pool.size 4 and 32); one and two threads were unchanged.
     *
     * @return how many stripes a pool of this size gets: four times the processors, a power of two, or 1
     */
    static int stripesFor(int size, int processors) {
        if (processors < 2 || size > MAX_STRIPED_SIZE) {
            return 1;
        }
        return Math.min(MAX_STRIPES, Integer.highestOneBit(processors * 4 - 1) << 1);
    }

    /** The caller's stripe first, then the others. */
    @Override
    public PoolEntry poll() {
        int home = home();
        PoolEntry entry = stripes[home].poll();
        return entry != null ? entry : poll(home, 1, false);
    }

    /** An entry ready in any stripe first: only then wait for a put under way in one. */
    @Override
    public PoolEntry pollAwaitingPuts() {
        int home = home();
        PoolEntry entry = poll(home, 0, false);
        return entry != null ? entry : poll(home, 0, true);
    }

    /** The stripes from the {@code first}-th after the caller's on. */
    private PoolEntry poll(int home, int first, boolean awaitingPuts) {
        PoolEntry entry = null;
        for (int i = first; entry == null && i < stripes.length; i++) {
            IdleEntries stripe = stripes[(home + i) & mask];
            entry = awaitingPuts ? stripe.pollAwaitingPuts() : stripe.poll();
        }
        return entry;
    }

    /** Into the caller's stripe, if the stripes together have room; they always do while no more entries exist. */
    @Override
    public boolean offer(PoolEntry entry) {
        if (opened.getAsInt() > capacity && size() >= capacity) {
            return false;
        }
        return stripes[home()].offer(entry);
    }

    /**
     * Offers that race while more entries exist than the capacity may all find the last place; each looks again once
     * its entry is in, and the last to look sees them all, so no more than the capacity stay idle. Those that see a
     * surplus take it out one at a time, each looking again first: two that saw the same surplus would otherwise both
     * take one out, and leave fewer idle than the capacity.
     */
    @Override
    public PoolEntry surplus() {
        if (opened.getAsInt() <= capacity || size() <= capacity) {
            return null;
        }
        surplusTaking.lock();
        try {
            return size() > capacity ? pollAwaitingPuts() : null;
        } finally {
            surplusTaking.unlock();
        }
    }

    @Override
    public int size() {
        int size = 0;
        for (IdleEntries stripe : stripes) {
            size += stripe.size();
        }
        return size;
    }

    @Override
    public void drain(Consumer<PoolEntry> taker) {
        for (IdleEntries stripe : stripes) {
            stripe.drain(taker);
        }
    }

    /** Consecutive thread ids, as a pool's worker threads usually have, land in different stripes. */
    private int home() {
        return (int) Thread.currentThread().getId() & mask;
    }
}

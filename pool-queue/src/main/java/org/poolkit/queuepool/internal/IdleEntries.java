package org.poolkit.queuepool.internal;

import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

import org.poolkit.api.PoolEntry;

/**
 * The entries waiting in a queue pool for their next checkout, in the order the pool hands them out.
 * Implementations are thread-safe and take no lock.
 */
interface IdleEntries {

    /** The largest bounded {@code pool.size}: far beyond any database's connection limit. */
    int MAX_SIZE = 65_534;

    /**
     * @return the next entry to hand out, or {@code null} if there is none; an offer still under way may be missed
     */
    PoolEntry poll();

    /**
     * As {@link #poll()}, but an offer that has claimed its place is waited for rather than missed. For a waiter,
     * which looks after announcing itself: an offer either sees the waiter when it checks for one right after, or is
     * found here.
     *
     * @return the next entry to hand out, or {@code null} if there is none and no offer has claimed a place
     */
    default PoolEntry pollAwaitingPuts() {
        return poll();
    }

    /**
     * Adds an entry. The offer claims its place with a full fence, which the pool's check for waiters right after it
     * relies on; the entry itself may be published a moment later, which {@link #pollAwaitingPuts()} waits for.
     *
     * @param entry an entry coming back
     * @return false when the pool already keeps as many idle entries as it may; the caller discards the entry
     */
    boolean offer(PoolEntry entry);

    /**
     * After an offer: an entry beyond the capacity, taken out again, when offers that raced all found room. The
     * structures that check the capacity exactly never have one.
     *
     * @return the entry for the caller to discard, or {@code null}
     */
    default PoolEntry surplus() {
        return null;
    }

    /** @return how many entries are idle now */
    int size();

    /**
     * Takes out every entry that was idle when the call began, including any whose offer is still completing, and
     * hands each to {@code taker}. For {@code dispose()}, which must not leave an entry behind.
     *
     * @param taker receives each entry
     */
    default void drain(Consumer<PoolEntry> taker) {
        for (PoolEntry entry = poll(); entry != null; entry = poll()) {
            taker.accept(entry);
        }
    }

    /**
     * @param size    {@code pool.size}: how many idle entries to keep; 0 for no limit
     * @param useLifo hand out the most recently returned entry first
     * @param opened  how many entries exist: while no more than {@code size} do, every returned one has room
     * @return the structure that fits: striped for a bounded pool on a machine with more than one processor
     */
    static IdleEntries of(int size, boolean useLifo, IntSupplier opened) {
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("pool.size must be at most " + MAX_SIZE + " (or 0 for no limit); was "
                    + size);
        }
        if (size == 0) {
            return new UnboundedIdle(useLifo);
        }
        IntFunction<IdleEntries> stripe = useLifo ? IdleStack::new : IdleQueue::new;
        int stripes = StripedIdle.stripesFor(size, Runtime.getRuntime().availableProcessors());
        return stripes == 1 ? stripe.apply(size) : new StripedIdle(stripes, size, stripe, opened);
    }
}

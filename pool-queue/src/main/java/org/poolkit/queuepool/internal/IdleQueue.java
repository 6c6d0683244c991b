package org.poolkit.queuepool.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries first in, first out, at most {@code capacity} of them: Dmitry Vyukov's bounded queue, a ring whose
 * cells carry a sequence number that says whether the cell is ready for the next put or the next take.
 *
 * <p>A take never waits for a put in progress: it reports the queue empty, and the pool's slow path copes (it
 * opens a connection if the limits allow, or waits, and the put then serves it). A put waits only in the rare case
 * that the cell it needs is still being emptied by a taker a whole lap behind; the ring has twice the capacity's
 * cells to make that lap long. Thread-safe, lock-free for takes, no allocation.
 */
final class IdleQueue implements IdleEntries {

    private final int capacity;
    private final int mask;
    private final PoolEntry[] entries;
    private final AtomicLongArray sequences;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    IdleQueue(int capacity) {
        this.capacity = capacity;
        int cells = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = cells - 1;
        this.entries = new PoolEntry[cells];
        this.sequences = new AtomicLongArray(cells);
        for (int i = 0; i < cells; i++) {
            sequences.set(i, i);
        }
    }

    @Override
    public PoolEntry poll() {
        while (true) {
            long position = head.get();
            int cell = (int) position & mask;
            long ready = sequences.get(cell) - (position + 1);
            if (ready < 0) {
                return null;
            }
            if (ready == 0 && head.compareAndSet(position, position + 1)) {
                PoolEntry entry = entries[cell];
                entries[cell] = null;
                sequences.lazySet(cell, position + mask + 1);
                return entry;
            }
        }
    }

    @Override
    public boolean offer(PoolEntry entry) {
        for (int spins = 0; ; ) {
            long position = tail.get();
            if (position - head.get() >= capacity) {
                return false;
            }
            int cell = (int) position & mask;
            long ready = sequences.get(cell) - position;
            if (ready == 0) {
                if (tail.compareAndSet(position, position + 1)) {
                    entries[cell] = entry;
                    // A full (volatile) store, not a lazy one: the pool reads its waiter count right after an
                    // offer, and that read must not pass this publication, or a waiter that polled in between could
                    // miss the entry and sleep to its timeout.
                    sequences.set(cell, position + 1);
                    return true;
                }
            } else if (ready < 0) {
                // A taker a lap behind has claimed this cell and not emptied it yet: a few instructions, unless
                // it was descheduled, in which case give it the processor.
                if (++spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    @Override
    public int size() {
        return (int) Math.max(0, tail.get() - head.get());
    }

    /** Unlike a run of polls, waits for offers already under way rather than mistaking them for an empty queue. */
    @Override
    public void drain(Consumer<PoolEntry> taker) {
        long end = tail.get();
        while (head.get() < end) {
            PoolEntry entry = poll();
            if (entry != null) {
                taker.accept(entry);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}

package org.poolkit.queuepool.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries first in, first out, at most {@code capacity} of them: a ring of {@link Cells} with a head and a tail
 * counter. Thread-safe, lock-free, no allocation.
 */
final class IdleQueue implements IdleEntries {

    private final Cells cells;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    IdleQueue(int capacity) {
        cells = new Cells(capacity);
    }

    @Override
    public PoolEntry poll() {
        long taken;
        do {
            taken = head.get();
            if (taken >= tail.get()) {
                return null;
            }
        } while (!head.compareAndSet(taken, taken + 1));
        return cells.take(slot(taken));
    }

    @Override
    public boolean offer(PoolEntry entry) {
        long placed;
        do {
            placed = tail.get();
            if (placed - head.get() >= cells.capacity()) {
                return false;
            }
        } while (!tail.compareAndSet(placed, placed + 1));
        cells.put(slot(placed), entry);
        return true;
    }

    @Override
    public int size() {
        return (int) Math.max(0, tail.get() - head.get());
    }

    private int slot(long position) {
        return (int) (position % cells.capacity());
    }
}

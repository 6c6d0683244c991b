package org.poolkit.queuepool.internal;

import java.util.concurrent.atomic.AtomicInteger;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries last in, first out, at most {@code capacity} of them: {@link Cells} with one top counter. Thread-safe,
 * lock-free, no allocation.
 */
final class IdleStack implements IdleEntries {

    private final Cells cells;
    private final AtomicInteger top = new AtomicInteger();

    IdleStack(int capacity) {
        cells = new Cells(capacity);
    }

    @Override
    public PoolEntry poll() {
        int size;
        do {
            size = top.get();
            if (size == 0) {
                return null;
            }
        } while (!top.compareAndSet(size, size - 1));
        return cells.take(size - 1);
    }

    @Override
    public boolean offer(PoolEntry entry) {
        int size;
        do {
            size = top.get();
            if (size == cells.capacity()) {
                return false;
            }
        } while (!top.compareAndSet(size, size + 1));
        cells.put(size, entry);
        return true;
    }

    @Override
    public int size() {
        return top.get();
    }
}

package org.poolkit.queuepool.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.poolkit.api.PoolEntry;

/**
 * Fixed slots that pass entries from the thread that reserved a slot for putting to the one that reserved it for
 * taking. {@link IdleQueue} and {@link IdleStack} reserve slots with one compare-and-set on a counter, then meet
 * here: a taker may arrive before the putter that its reservation counted on, and then waits for it, which is a
 * matter of the putter's next few instructions. Thread-safe; allocates nothing.
 */
final class Cells {

    private static final int SPINS_BEFORE_PARKING = 64;

    private final AtomicReferenceArray<PoolEntry> slots;

    Cells(int capacity) {
        slots = new AtomicReferenceArray<>(capacity);
    }

    int capacity() {
        return slots.length();
    }

    void put(int index, PoolEntry entry) {
        for (int spins = 0; !slots.compareAndSet(index, null, entry); spins++) {
            pause(spins);
        }
    }

    PoolEntry take(int index) {
        for (int spins = 0; ; spins++) {
            PoolEntry entry = slots.getAndSet(index, null);
            if (entry != null) {
                return entry;
            }
            pause(spins);
        }
    }

    /** Spins briefly, then parks: the other side was descheduled, and yielding would burn a virtual thread's carrier. */
    private static void pause(int spins) {
        if (spins < SPINS_BEFORE_PARKING) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(10_000);
        }
    }
}

package org.poolkit.queuepool.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries last in, first out, at most {@code capacity} of them: two Treiber stacks over the same
 * {@code capacity} nodes, one of nodes holding an idle entry and one of free nodes. Each stack's head packs a stamp
 * with the top node, so a compare-and-set cannot be fooled by a node that left and came back (ABA); the idle stack's
 * head also carries its size. Every step is a single compare-and-set that no other thread can hold up.
 * Thread-safe, lock-free, no allocation.
 *
 * <p>One imprecision, harmless: an offer that overlaps a poll may find no free node while the poll still holds the
 * one it is returning, and is refused although the stack is one below capacity. The pool then closes that surplus
 * connection, as it would had the offer come a moment earlier.
 */
final class IdleStack implements IdleEntries {

    // Head layout: stamp (32 bits) | size (16 bits) | top node + 1 (16 bits; 0 means empty). A stamp of 32 bits
    // would need four billion operations to come round while one thread sits between its read and its CAS.
    private static final int NODE_BITS = 16;
    private static final long NODE_MASK = (1L << NODE_BITS) - 1;
    private static final long SIZE_UNIT = 1L << NODE_BITS;
    private static final long STAMP_UNIT = 1L << (2 * NODE_BITS);
    private static final long SIZE_MASK = NODE_MASK << NODE_BITS;

    private final PoolEntry[] entries;
    private final int[] next;
    private final AtomicLong idle = new AtomicLong();
    private final AtomicLong free = new AtomicLong();

    /** @param capacity at most {@link IdleEntries#MAX_SIZE}, which the 16-bit fields of the heads can count */
    IdleStack(int capacity) {
        entries = new PoolEntry[capacity];
        next = new int[capacity];
        for (int node = 0; node < capacity; node++) {
            push(free, node);
        }
    }

    @Override
    public PoolEntry poll() {
        int node = pop(idle);
        if (node < 0) {
            return null;
        }
        PoolEntry entry = entries[node];
        entries[node] = null;
        push(free, node);
        return entry;
    }

    @Override
    public boolean offer(PoolEntry entry) {
        int node = pop(free);
        if (node < 0) {
            return false;
        }
        entries[node] = entry;
        push(idle, node);
        return true;
    }

    @Override
    public int size() {
        return (int) ((idle.get() & SIZE_MASK) >>> NODE_BITS);
    }

    private void push(AtomicLong stack, int node) {
        while (true) {
            long head = stack.get();
            next[node] = (int) (head & NODE_MASK) - 1;
            long pushed = (head & ~NODE_MASK) + STAMP_UNIT + SIZE_UNIT + node + 1;
            if (stack.compareAndSet(head, pushed)) {
                return;
            }
        }
    }

    /** @return the node taken from the top, or -1 if the stack is empty */
    private int pop(AtomicLong stack) {
        while (true) {
            long head = stack.get();
            int top = (int) (head & NODE_MASK) - 1;
            if (top < 0) {
                return -1;
            }
            // Read before the compare-and-set; if the head is unchanged (stamp included), so is the top's link.
            long popped = (head & ~NODE_MASK) + STAMP_UNIT - SIZE_UNIT + next[top] + 1;
            if (stack.compareAndSet(head, popped)) {
                return top;
            }
        }
    }
}

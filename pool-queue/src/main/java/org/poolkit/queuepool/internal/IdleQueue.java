package org.poolkit.queuepool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

import org.poolkit.api.PoolEntry;

/**
 * Idle entries first in, first out, at most {@code capacity} of them: Dmitry Vyukov's bounded queue, a ring whose
 * cells carry a sequence number that says whether the cell is ready for the next put or the next take.
 *
 * <p>A checkout's take ({@link #poll()}) never waits for a put in progress: it reports the queue empty, and the
 * pool's slow path copes (it opens a connection if the limits allow, or waits, and the put then serves it). A
 * waiter's take ({@link #pollAwaitingPuts()}) and {@link #drain} do wait for a put that has claimed its cell, which
 * publishes within a few instructions of its claim. A put waits only in the rare case that the cell it needs is still
 * being emptied by a taker a whole lap behind; the ring has twice the capacity's cells to make that lap long.
 * Thread-safe, no lock, no allocation.
 *
 * <p>A cell is one small object holding its sequence and its entry, so that a take or a put touches one cache line
 * for its cell rather than one in an array of sequences and another in an array of entries: between threads, every
 * line is a transfer.
 */
final class IdleQueue extends IdleQueueEnds implements IdleEntries {

    private final int capacity;
    private final int mask;
    private final Cell[] cells;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(IdleQueueHead.class, "head", long.class);
            TAIL = lookup.findVarHandle(IdleQueueTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    IdleQueue(int capacity) {
        this.capacity = capacity;
        int count = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = count - 1;
        this.cells = new Cell[count];
        for (int i = 0; i < count; i++) {
            cells[i] = new Cell(i);
        }
    }

    @Override
    public PoolEntry poll() {
        while (true) {
            long position = head;
            Cell cell = cells[(int) position & mask];
            long ready = cell.sequence - (position + 1);
            if (ready < 0) {
                return null;
            }
            if (ready == 0 && HEAD.compareAndSet(this, position, position + 1)) {
                return take(cell, position);
            }
        }
    }

    /** Empties a cell this take claimed and hands it to the put a lap ahead. */
    private PoolEntry take(Cell cell, long position) {
        PoolEntry entry = cell.entry;
        cell.entry = null;
        Cell.SEQUENCE.setRelease(cell, position + mask + 1);
        return entry;
    }

    private static int pause(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }

    @Override
    public PoolEntry pollAwaitingPuts() {
        for (int spins = 0; ; ) {
            long position = head;
            Cell cell = cells[(int) position & mask];
            long ready = cell.sequence - (position + 1);
            if (ready == 0) {
                if (HEAD.compareAndSet(this, position, position + 1)) {
                    return take(cell, position);
                }
            } else if (ready < 0) {
                if (tail == position) {
                    return null;
                }
                // A put claimed this cell and has not published its entry yet: a few instructions, unless it was
                // descheduled, in which case give it the processor.
                spins = pause(spins);
            }
        }
    }

    @Override
    public boolean offer(PoolEntry entry) {
        for (int spins = 0; ; ) {
            long position = tail;
            if (position - head >= capacity) {
                return false;
            }
            Cell cell = cells[(int) position & mask];
            long ready = cell.sequence - position;
            if (ready == 0) {
                if (TAIL.compareAndSet(this, position, position + 1)) {
                    cell.entry = entry;
                    // A release store, not a full fence: the claim above already is one, and a waiter looks with
                    // pollAwaitingPuts, which sees the claim and waits for this store.
                    Cell.SEQUENCE.setRelease(cell, position + 1);
                    return true;
                }
            } else if (ready < 0) {
                // A taker a lap behind has claimed this cell and not emptied it yet.
                spins = pause(spins);
            }
        }
    }

    @Override
    public int size() {
        return (int) Math.max(0, tail - head);
    }

    /** Unlike a run of polls, waits for offers already under way rather than mistaking them for an empty queue. */
    @Override
    public void drain(Consumer<PoolEntry> taker) {
        long end = tail;
        while (head < end) {
            PoolEntry entry = poll();
            if (entry != null) {
                taker.accept(entry);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** One place in the ring: its sequence says whose turn it is, a put's (position) or a take's (position + 1). */
    static final class Cell {

        static final VarHandle SEQUENCE;

        static {
            try {
                SEQUENCE = MethodHandles.lookup().findVarHandle(Cell.class, "sequence", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile long sequence;
        // Written before the sequence that publishes it and read after the sequence that announces it.
        PoolEntry entry;

        Cell(long sequence) {
            this.sequence = sequence;
        }
    }
}

package org.poolkit.queuepool.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.poolkit.api.PoolEntry;

/**
 * The checkouts waiting for a queue pool at its limit, served strictly in arrival order.
 *
 * <p>A waiter is granted either an entry, handed over by a checkin, or {@link #CREATE}: a slot the granter reserved
 * for it, in which it opens a new connection itself. Granting happens under a lock, but only while someone waits;
 * a checkout that finds an idle entry and nobody waiting never comes here. Thread-safe.
 */
final class Waiters {

    /** The grant of a reserved slot: the waiter opens a new connection in it. */
    static final Object CREATE = new Object();
    /** What every waiter gets once the pool is retired: nothing; it fails and its caller asks the new pool. */
    static final Object RETIRED = new Object();

    /** Supplies what a waiter may be granted: an idle entry, {@link #CREATE}, or {@code null} for nothing. */
    interface Supply {
        Object next();
    }

    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private volatile int count;
    // Guarded by lock.
    private boolean retired;

    /**
     * @param clock the pool's clock, which deadlines are measured by; re-read whenever a waiter wakes, so a test
     *              that moves it and unparks the waiter ends the wait without real time passing
     */
    Waiters(LongSupplier clock) {
        this.clock = clock;
    }

    /** @return whether anyone waits; a plain volatile read, for the hot path */
    boolean any() {
        return count != 0;
    }

    int count() {
        return count;
    }

    /**
     * Hands an entry straight to the longest waiting checkout.
     *
     * @return false if nobody was waiting after all; the caller keeps the entry
     */
    boolean handOff(PoolEntry entry) {
        Waiter first;
        lock.lock();
        try {
            first = queue.pollFirst();
            if (first == null) {
                return false;
            }
            count = queue.size();
            first.grant = entry;
        } finally {
            lock.unlock();
        }
        // Woken outside the lock: the wake-up is a system call, and every other checkout and checkin would queue
        // on the lock behind it.
        LockSupport.unpark(first.thread);
        return true;
    }

    /** Grants {@link #RETIRED} to every waiter, now and from now on. */
    void retire() {
        lock.lock();
        try {
            retired = true;
            for (Waiter waiter = queue.pollFirst(); waiter != null; waiter = queue.pollFirst()) {
                waiter.grant(RETIRED);
            }
            count = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Grants waiters, first come first served, what the supply has, until either runs out. */
    void serve(Supply supply) {
        lock.lock();
        try {
            while (!queue.isEmpty()) {
                Object grant = supply.next();
                if (grant == null) {
                    return;
                }
                queue.pollFirst().grant(grant);
                count = queue.size();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the calling thread, serves the queue once (what became free before we queued is not lost), and waits
     * until granted or until the deadline.
     *
     * @param now       the pool's clock when the checkout began: the wait reads the clock again only if it wakes
     *                  without a grant, so that a checkout served by a hand-off reads it once
     * @param timeout   nanoseconds to wait at most
     * @param supply    what may be granted
     * @return the grant: an entry, {@link #CREATE}, or {@link #RETIRED}
     * @throws InterruptedException when interrupted while waiting; nothing was granted
     * @throws TimedOut when the deadline passed; nothing was granted
     */
    Object await(long now, long timeout, Supply supply) throws InterruptedException, TimedOut {
        long deadline = now + timeout;
        long remaining = timeout;
        Waiter waiter = new Waiter(Thread.currentThread());
        lock.lock();
        try {
            if (retired) {
                return RETIRED;
            }
            queue.addLast(waiter);
            count = queue.size();
        } finally {
            lock.unlock();
        }
        serve(supply);
        while (true) {
            Object grant = waiter.grant;
            if (grant != null) {
                return grant;
            }
            boolean interrupted = Thread.interrupted();
            if (remaining <= 0 || interrupted) {
                Object late = withdraw(waiter);
                if (late != null) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return late;
                }
                if (interrupted) {
                    throw new InterruptedException();
                }
                throw new TimedOut();
            }
            LockSupport.parkNanos(this, remaining);
            if (waiter.grant == null) {
                remaining = deadline - clock.getAsLong();
            }
        }
    }

    /** Leaves the queue; returns a grant that arrived in the meantime, which the waiter must then take. */
    private Object withdraw(Waiter waiter) {
        lock.lock();
        try {
            if (waiter.grant == null) {
                queue.remove(waiter);
                count = queue.size();
            }
            return waiter.grant;
        } finally {
            lock.unlock();
        }
    }

    /** The wait ran out. Carries no stack: the pool turns it into its own exception at once. */
    static final class TimedOut extends Exception {

        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }

    private static final class Waiter {

        final Thread thread;
        volatile Object grant;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        /** Under the lock; {@link #handOff} wakes its waiter after releasing it instead. */
        void grant(Object value) {
            grant = value;
            LockSupport.unpark(thread);
        }
    }
}

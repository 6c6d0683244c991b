package org.poolkit.queuepool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.poolkit.api.PoolEntry;

/**
 * The checkouts waiting for a queue pool at its limit, served in arrival order among themselves.
 *
 * <p>Only the longest waiter, the head, competes for what comes free: a checkin puts its entry among the idle ones
 * and wakes the head, which then takes an idle entry or a slot ({@link #CREATE}) like any checkout. A checkout that
 * arrives meanwhile and finds the entry idle may take it first (HikariCP's, Agroal's and SQLAlchemy's behaviour): a
 * running thread keeps running instead of every return waking a parked one. The head, having lost, waits again, still
 * first; once it has waited longer than {@link #HUNGRY_NANOS} and lost, the next checkin hands its entry straight to it
 * ({@link #handOffToHungry}), so that no waiter starves behind a stream of arriving checkouts. Thread-safe; a checkin
 * takes the lock only for that hand-off.
 */
final class Waiters {

    /** The grant of a reserved slot: the waiter opens a new connection in it. */
    static final Object CREATE = new Object();
    /** What every waiter gets once the pool is retired: nothing; it fails and its caller asks the new pool. */
    static final Object RETIRED = new Object();
    /** How long the head waits before arriving checkouts may no longer take what comes free ahead of it. */
    static final long HUNGRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** What a waiter may take: an idle entry, {@link #CREATE}, or {@code null} for nothing. */
    interface Supply {
        Object next();

        /** @return whether {@link #next} would find something now; a hint for waking the next waiter */
        boolean any();
    }

    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock; head and count mirror it for readers without the lock.
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private volatile Waiter head;
    private volatile int count;
    // Guarded by lock.
    private boolean retired;

    /**
     * @param clock the pool's clock, which deadlines are measured by; re-read whenever a waiter wakes empty-handed,
     *              so a test that moves it and unparks the waiter ends the wait without real time passing
     */
    Waiters(LongSupplier clock) {
        this.clock = clock;
    }

    int count() {
        return count;
    }

    /** Wakes the longest waiter to look for what came free, unless it is awake already. Takes no lock. */
    void wakeFirst() {
        Waiter first = head;
        if (first != null) {
            first.wake();
        }
    }

    /**
     * Hands an entry straight to the longest waiter if it has waited too long to compete for it.
     *
     * @return false if nobody hungry waits; the caller keeps the entry
     */
    boolean handOffToHungry(PoolEntry entry) {
        Waiter first = head;
        if (first == null || !first.hungry) {
            return false;
        }
        lock.lock();
        try {
            if (queue.peekFirst() != first || first.grant != null) {
                return false;
            }
            removeFirst();
            first.grant = entry;
        } finally {
            lock.unlock();
        }
        // Woken outside the lock: the wake-up is a system call, and the waiters' lock would be held across it.
        LockSupport.unpark(first.thread);
        return true;
    }

    /** Grants {@link #RETIRED} to every waiter, now and from now on. */
    void retire() {
        lock.lock();
        try {
            retired = true;
            for (Waiter waiter = queue.pollFirst(); waiter != null; waiter = queue.pollFirst()) {
                waiter.grant = RETIRED;
                LockSupport.unpark(waiter.thread);
            }
            mirror();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the calling thread and waits, looking for what came free each time it is woken at the head of the queue,
     * until it takes something or the deadline passes. Before the first wait it looks once: what became free before
     * it queued woke nobody.
     *
     * @param now     the pool's clock when the checkout began: the wait reads the clock again only if it wakes
     *                empty-handed, so that a checkout served at its first wake-up reads it once
     * @param timeout nanoseconds to wait at most
     * @param supply  what may be taken
     * @return an entry, {@link #CREATE}, or {@link #RETIRED}
     * @throws InterruptedException when interrupted while waiting; nothing was taken
     * @throws TimedOut when the deadline passed; nothing was taken
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
            mirror();
        } finally {
            lock.unlock();
        }
        Object taken = take(waiter, supply);
        while (taken == null) {
            boolean interrupted = Thread.interrupted();
            if (remaining <= 0 || interrupted) {
                return leave(waiter, supply, interrupted);
            }
            LockSupport.parkNanos(this, remaining);
            taken = take(waiter, supply);
            if (taken == null) {
                long woke = clock.getAsLong();
                remaining = deadline - woke;
                if (woke - now > HUNGRY_NANOS) {
                    waiter.hungry = true;
                }
            }
        }
        return taken;
    }

    /** What the waiter was granted, or, at the head, what the supply has; the waiter leaves the queue with it. */
    private Object take(Waiter waiter, Supply supply) {
        Object taken;
        lock.lock();
        try {
            taken = waiter.grant;
            if (taken == null) {
                if (queue.peekFirst() != waiter) {
                    return null;
                }
                // Before looking: a checkin from now on must wake us again, or what it brings could lie unseen.
                Waiter.WOKEN.setVolatile(waiter, false);
                taken = supply.next();
                if (taken == null) {
                    return null;
                }
                removeFirst();
            }
        } finally {
            lock.unlock();
        }
        // Granted too: a hand-off may have overtaken a wake-up for an entry made idle meanwhile, which only the new
        // head can now take.
        passOn(supply);
        return taken;
    }

    /** Gives up waiting; returns a grant that arrived in the meantime, which the waiter must then take. */
    private Object leave(Waiter waiter, Supply supply, boolean interrupted) throws InterruptedException, TimedOut {
        Object late;
        lock.lock();
        try {
            late = waiter.grant;
            if (late == null) {
                queue.remove(waiter);
                mirror();
            }
        } finally {
            lock.unlock();
        }
        // If it was the head, a wake-up meant for it may have come; the new head looks instead.
        passOn(supply);
        if (interrupted) {
            if (late != null) {
                Thread.currentThread().interrupt();
                return late;
            }
            throw new InterruptedException();
        }
        if (late != null) {
            return late;
        }
        throw new TimedOut();
    }

    /** The head left: the next waiter looks if there is something to find (several may have come free at once). */
    private void passOn(Supply supply) {
        if (head != null && supply.any()) {
            wakeFirst();
        }
    }

    /** Under the lock. */
    private void removeFirst() {
        queue.pollFirst();
        mirror();
    }

    /** Under the lock. */
    private void mirror() {
        head = queue.peekFirst();
        count = queue.size();
    }

    /** The wait ran out. Carries no stack: the pool turns it into its own exception at once. */
    static final class TimedOut extends Exception {

        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }

    private static final class Waiter {

        static final VarHandle WOKEN;

        static {
            try {
                WOKEN = MethodHandles.lookup().findVarHandle(Waiter.class, "woken", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        volatile Object grant;
        // Set by the checkin that wakes the waiter, cleared by the waiter before it looks: one wake-up in flight.
        volatile boolean woken;
        // Waited past HUNGRY_NANOS and still empty-handed: the next checkin hands its entry over directly.
        volatile boolean hungry;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        void wake() {
            if (!woken && WOKEN.compareAndSet(this, false, true)) {
                LockSupport.unpark(thread);
            }
        }
    }
}

package org.poolkit.queuepool.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * SQLAlchemy's {@code QueuePool}: keeps up to {@code pool.size} connections, opens up to {@code max.overflow} more
 * under load, and makes further checkouts wait up to {@code timeout} for one to come back. The pool fills lazily;
 * surplus connections are closed when they come back to a full pool. What most applications want.
 *
 * <p>Waiters are served in arrival order; a checkout that arrives while a connection is idle may take it before them,
 * as in SQLAlchemy, HikariCP and Agroal, so that a running thread keeps running rather than every return waking a
 * parked one. Where it goes beyond SQLAlchemy (whose queue lets any thread jump ahead, sqlalchemy#7679): only the
 * longest waiter competes with arriving checkouts, and one that has waited more than a millisecond is handed the next
 * returned connection directly, so no waiter starves; a checkout that finds an idle connection takes no lock; and when
 * a connect fails while others wait, the freed slot goes to the next waiter so that it learns of the failure now
 * rather than at its timeout.
 *
 * <p>Not for: sharing one connection ({@code static}), one connection per thread ({@code threadlocal}), or no
 * pooling at all ({@code null}). {@code pool.size} 0 means no limit at all: every connection is kept and nobody
 * waits.
 *
 * <p>Every setting it reads can change while it runs ({@link #reconfigure}): a new {@code pool.size} or
 * {@code use.lifo} moves the idle connections into a new idle structure of the new shape (closing those beyond a
 * smaller size), a larger limit serves waiters at once, a smaller one closes surplus connections as they come back,
 * even while checkouts wait. Checkouts already waiting keep the deadline they started with.
 *
 * <p>Thread-safe.
 */
final class QueuePool implements PoolStrategy {

    private static final Duration CENTURY = Duration.ofDays(36_500);

    private final PoolContext context;
    private final Waiters waiters;
    // Entries that exist or are being opened; SQLAlchemy's overflow is this minus pool.size.
    private final AtomicInteger opened = new AtomicInteger();
    private final Waiters.Supply supply = new Waiters.Supply() {
        @Override
        public Object next() {
            return nextGrant();
        }

        @Override
        public boolean any() {
            return opened.get() < limits.maxOpen() || idle.size() > 0;
        }
    };
    private volatile Limits limits;
    private volatile IdleEntries idle;
    // Held by dispose() and by reconfigure() while it replaces the idle structure and moves the entries: a dispose
    // in the middle of a move would drain the new structure before the rest of the entries arrive, and leave them.
    private final ReentrantLock reshaping = new ReentrantLock();

    /** The settings a queue pool works by, read together. */
    private record Limits(int size, int maxOverflow, long maxOpen, boolean useLifo, Duration timeout,
            long timeoutNanos) {

        static Limits of(PoolSettings settings) {
            int size = settings.poolSize();
            int maxOverflow = size == 0 ? -1 : settings.maxOverflow();
            long maxOpen = maxOverflow == -1 ? Long.MAX_VALUE : (long) size + maxOverflow;
            return new Limits(size, maxOverflow, maxOpen, settings.useLifo(), settings.timeout(),
                    saturatedNanos(settings.timeout()));
        }

        boolean sameShape(Limits other) {
            return size == other.size && useLifo == other.useLifo;
        }
    }

    QueuePool(PoolContext context) {
        PoolSettings settings = context.settings();
        this.context = context;
        this.limits = Limits.of(settings);
        this.idle = IdleEntries.of(settings.poolSize(), settings.useLifo(), opened::get);
        this.waiters = new Waiters(context::nanoTime);
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        PoolEntry entry = idle.poll();
        if (entry != null) {
            return entry;
        }
        if (reserveSlot()) {
            return openInReservedSlot();
        }
        return await(context.nanoTime(), limits.timeoutNanos());
    }

    @Override
    public void checkin(PoolEntry entry) {
        if (releasedSurplusSlot()) {
            // Opened under larger limits than the pool has now: handed on or kept, it would keep the pool over them
            // for as long as the load lasts.
            context.discard(entry);
            return;
        }
        if (waiters.handOffToHungry(entry)) {
            return;
        }
        // After the offer: a checkout that queued before it is woken, one that queues after it finds the entry.
        if (keepIdle(entry)) {
            waiters.wakeFirst();
        }
    }

    /**
     * Puts an entry among the idle ones, or closes it if they are full.
     *
     * @return false when it was closed
     */
    private boolean keepIdle(PoolEntry entry) {
        IdleEntries target = idle;
        if (!target.offer(entry)) {
            context.discard(entry);
            releaseSlot();
            return false;
        }
        PoolEntry surplus = target.surplus();
        if (surplus != null) {
            context.discard(surplus);
            releaseSlot();
        }
        if (target != idle) {
            // reconfigure() replaced the structure while we offered, and may have moved its entries before ours came.
            moveIdle(target);
        }
        return true;
    }

    @Override
    public void dispose() {
        reshaping.lock();
        try {
            idle.drain(entry -> {
                context.discard(entry);
                releaseSlot();
            });
        } finally {
            reshaping.unlock();
        }
    }

    /**
     * Takes every setting of a queue pool in place. A {@code pool.size} beyond {@link IdleEntries#MAX_SIZE} is
     * refused (false), so that the new pool the caller then builds reports it.
     */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        if (settings.poolSize() > IdleEntries.MAX_SIZE) {
            return false;
        }
        Limits next = Limits.of(settings);
        reshaping.lock();
        try {
            Limits previous = limits;
            limits = next;
            if (!next.sameShape(previous)) {
                IdleEntries old = idle;
                idle = IdleEntries.of(next.size(), next.useLifo(), opened::get);
                moveIdle(old);
            }
        } finally {
            reshaping.unlock();
        }
        waiters.wakeFirst();
        return true;
    }

    /** Checkouts waiting at the limit fail at once, and later ones do not wait: a swap replaced this pool. */
    @Override
    public void retire() {
        waiters.retire();
    }

    /**
     * Moves the entries of a replaced idle structure into the current one; those it has no room for are closed. Each
     * move is a {@link #keepIdle}, so an entry moved into a structure that is itself replaced meanwhile moves on.
     */
    private void moveIdle(IdleEntries from) {
        from.drain(this::keepIdle);
    }

    @Override
    public PoolStatus status() {
        Limits current = limits;
        int size = current.size();
        int checkedIn = idle.size();
        int overflow = opened.get() - size;
        int checkedOut = Math.max(0, size - checkedIn + overflow);
        int shownOverflow = size == 0 ? 0 : overflow;
        String summary = String.format(Locale.ROOT,
                "Pool size: %d  Connections in pool: %d Current Overflow: %d Current Checked out connections: %d",
                size, checkedIn, shownOverflow, checkedOut);
        return new PoolStatus(context.poolName(), QueuePoolProvider.NAME, size, checkedIn, checkedOut,
                shownOverflow, waiters.count(), context.openConnections(), summary);
    }

    private PoolEntry await(long now, long timeoutNanos) throws SQLException {
        Object grant;
        try {
            grant = waiters.await(now, timeoutNanos, supply);
        } catch (Waiters.TimedOut e) {
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException(
                    "Pool '" + context.poolName() + "': interrupted while waiting for a connection", "08001", e);
        }
        if (grant == Waiters.RETIRED) {
            throw new SQLTransientConnectionException("Pool '" + context.poolName()
                    + "' was swapped out while this checkout waited; the data source's new pool serves it", "08001");
        }
        return grant == Waiters.CREATE ? openInReservedSlot() : (PoolEntry) grant;
    }

    /** What the longest waiter takes when it looks: an idle entry, else a slot if the limits allow, else nothing. */
    private Object nextGrant() {
        PoolEntry entry = idle.pollAwaitingPuts();
        if (entry != null) {
            return entry;
        }
        return reserveSlot() ? Waiters.CREATE : null;
    }

    private boolean reserveSlot() {
        long maxOpen = limits.maxOpen();
        for (int count = opened.get(); count < maxOpen; count = opened.get()) {
            if (opened.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives up the slot of an entry coming back while more are open than the limits allow now (they were lowered). */
    private boolean releasedSurplusSlot() {
        long maxOpen = limits.maxOpen();
        for (int count = opened.get(); count > maxOpen; count = opened.get()) {
            if (opened.compareAndSet(count, count - 1)) {
                return true;
            }
        }
        return false;
    }

    private void releaseSlot() {
        opened.decrementAndGet();
        waiters.wakeFirst();
    }

    private PoolEntry openInReservedSlot() throws SQLException {
        try {
            return context.newEntry();
        } catch (SQLException | RuntimeException | Error e) {
            releaseSlot();
            throw e;
        }
    }

    private PoolTimeoutException timedOut() {
        PoolStatus status = status();
        Limits current = limits;
        String message = String.format(Locale.ROOT,
                "QueuePool limit of size %d overflow %d reached, connection timed out, timeout %.2f "
                        + "(pool '%s': %d checked out, %d idle, %d waiting, %d open)",
                current.size(), status.overflow(), current.timeout().toNanos() / 1e9, context.poolName(),
                status.checkedOut(),
                status.checkedIn(), status.waiting(), status.open());
        return new PoolTimeoutException(message, status);
    }

    /** Nanoseconds, capped at a century so that a deadline computed from the pool's clock cannot wrap. */
    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : duration.toNanos();
    }
}

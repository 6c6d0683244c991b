package org.poolkit.queuepool.internal;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>Where it goes beyond SQLAlchemy: waiters are served strictly in arrival order, a returning connection is handed
 * straight to the longest waiter and a new checkout never overtakes one (SQLAlchemy's queue lets a returning thread
 * jump ahead); a checkout that finds an idle connection and nobody waiting takes no lock; and when a connect fails
 * while others wait, the freed slot goes to the next waiter so that it learns of the failure now rather than at its
 * timeout.
 *
 * <p>Not for: sharing one connection ({@code static}), one connection per thread ({@code threadlocal}), or no
 * pooling at all ({@code null}). {@code pool.size} 0 means no limit at all: every connection is kept and nobody
 * waits.
 *
 * <p>Thread-safe.
 */
final class QueuePool implements PoolStrategy {

    private static final Duration CENTURY = Duration.ofDays(36_500);

    private final PoolContext context;
    private final int size;
    private final int maxOverflow;
    private final Duration timeout;
    private final long timeoutNanos;
    private final IdleEntries idle;
    private final Waiters waiters;
    // SQLAlchemy's overflow: entries that exist or are being opened, minus pool.size.
    private final AtomicInteger overflow;
    private final Waiters.Supply supply = this::nextGrant;

    QueuePool(PoolContext context) {
        PoolSettings settings = context.settings();
        this.context = context;
        this.size = settings.poolSize();
        this.maxOverflow = size == 0 ? -1 : settings.maxOverflow();
        this.timeout = settings.timeout();
        this.timeoutNanos = saturatedNanos(timeout);
        this.idle = IdleEntries.of(size, settings.useLifo());
        this.overflow = new AtomicInteger(-size);
        this.waiters = new Waiters(context::nanoTime);
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        if (!waiters.any()) {
            PoolEntry entry = idle.poll();
            if (entry != null) {
                return entry;
            }
            if (reserveSlot()) {
                return openInReservedSlot();
            }
        }
        return await(context.nanoTime());
    }

    @Override
    public void checkin(PoolEntry entry) {
        if (waiters.any() && waiters.handOff(entry)) {
            return;
        }
        if (idle.offer(entry)) {
            // A checkout may have queued between our look at the waiters and the offer.
            if (waiters.any()) {
                waiters.serve(supply);
            }
            return;
        }
        context.discard(entry);
        releaseSlot();
    }

    @Override
    public void dispose() {
        idle.drain(entry -> {
            context.discard(entry);
            releaseSlot();
        });
    }

    @Override
    public PoolStatus status() {
        int checkedIn = idle.size();
        int current = overflow.get();
        int checkedOut = Math.max(0, size - checkedIn + current);
        int shownOverflow = size == 0 ? 0 : current;
        String summary = String.format(Locale.ROOT,
                "Pool size: %d  Connections in pool: %d Current Overflow: %d Current Checked out connections: %d",
                size, checkedIn, shownOverflow, checkedOut);
        return new PoolStatus(context.poolName(), QueuePoolProvider.NAME, size, checkedIn, checkedOut,
                shownOverflow, waiters.count(), context.openConnections(), summary);
    }

    private PoolEntry await(long now) throws SQLException {
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
        return grant == Waiters.CREATE ? openInReservedSlot() : (PoolEntry) grant;
    }

    /** What the longest waiter gets next: an idle entry, else a slot if the limits allow one, else nothing. */
    private Object nextGrant() {
        PoolEntry entry = idle.poll();
        if (entry != null) {
            return entry;
        }
        return reserveSlot() ? Waiters.CREATE : null;
    }

    private boolean reserveSlot() {
        if (maxOverflow == -1) {
            overflow.incrementAndGet();
            return true;
        }
        for (int current = overflow.get(); current < maxOverflow; current = overflow.get()) {
            if (overflow.compareAndSet(current, current + 1)) {
                return true;
            }
        }
        return false;
    }

    private void releaseSlot() {
        overflow.decrementAndGet();
        if (waiters.any()) {
            waiters.serve(supply);
        }
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
        String message = String.format(Locale.ROOT,
                "QueuePool limit of size %d overflow %d reached, connection timed out, timeout %.2f "
                        + "(pool '%s': %d checked out, %d idle, %d waiting, %d open)",
                size, status.overflow(), timeout.toNanos() / 1e9, context.poolName(), status.checkedOut(),
                status.checkedIn(), status.waiting(), status.open());
        return new PoolTimeoutException(message, status);
    }

    /** Nanoseconds, capped at a century so that a deadline computed from the pool's clock cannot wrap. */
    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : duration.toNanos();
    }
}

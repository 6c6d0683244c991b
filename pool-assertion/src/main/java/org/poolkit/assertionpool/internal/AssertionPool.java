package org.poolkit.assertionpool.internal;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * SQLAlchemy's {@code AssertionPool}: one connection, and at most one checkout of it at a time. A second checkout
 * while the first is out throws an {@link AssertionError} whose cause is a throwable made at the first checkout, so
 * its stack trace shows the code that still holds the connection. For test suites that must prove a code path never
 * holds two connections at once (the classic self-deadlock of a pool of one).
 *
 * <p>The connection is kept between checkouts, opened at the first one, and reset, recycled, pre-pinged and
 * invalidated like any pooled connection; {@link #dispose()} closes it if it is idle, and the engine closes it on
 * its return otherwise.
 *
 * <p>What it does not support, and why: a second checkout never waits ({@code timeout} is ignored) because waiting
 * would hide the bug it exists to find; {@code pool.size}, {@code max.overflow} and {@code use.lifo} do not apply. It
 * captures a stack trace on every checkout, so it is a debugging aid, not a production pool.
 *
 * <p>Thread-safe; its state changes under a lock that is never held while a connection opens or closes.
 */
final class AssertionPool implements PoolStrategy {

    private final PoolContext context;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: where the current checkout began (null when none is out), and the idle entry if any.
    private Throwable checkedOutAt;
    private PoolEntry idle;

    AssertionPool(PoolContext context) {
        this.context = context;
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        Throwable here = new Throwable("first checkout of the connection of pool '" + context.poolName()
                + "', still checked out, happened here");
        PoolEntry entry;
        lock.lock();
        try {
            if (checkedOutAt != null) {
                throw new AssertionError("Pool '" + context.poolName() + "': connection is already checked out; "
                        + "the cause shows where", checkedOutAt);
            }
            checkedOutAt = here;
            entry = idle;
            idle = null;
        } finally {
            lock.unlock();
        }
        if (entry != null) {
            return entry;
        }
        try {
            return context.newEntry();
        } catch (SQLException | RuntimeException | Error e) {
            release(null);
            throw e;
        }
    }

    @Override
    public void checkin(PoolEntry entry) {
        release(entry);
    }

    private void release(PoolEntry entry) {
        lock.lock();
        try {
            checkedOutAt = null;
            idle = entry;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void dispose() {
        PoolEntry disposed;
        lock.lock();
        try {
            disposed = idle;
            idle = null;
        } finally {
            lock.unlock();
        }
        if (disposed != null) {
            context.discard(disposed);
        }
    }

    @Override
    public PoolStatus status() {
        boolean out;
        boolean kept;
        lock.lock();
        try {
            out = checkedOutAt != null;
            kept = idle != null;
        } finally {
            lock.unlock();
        }
        return new PoolStatus(context.poolName(), AssertionPoolProvider.NAME, 1, kept ? 1 : 0, out ? 1 : 0, 0, 0,
                context.openConnections(), "AssertionPool");
    }

    /** Reads no setting of its own: every change is the engine's, so it takes any in place. */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        return true;
    }
}

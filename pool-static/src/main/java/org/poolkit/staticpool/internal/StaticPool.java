package org.poolkit.staticpool.internal;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * SQLAlchemy's {@code StaticPool}: exactly one driver connection, opened at the first checkout and shared by every
 * checkout, from any thread, at the same time. Each checkout gets its own handle; closing a handle returns it without
 * closing the shared connection. The use case: an in-memory database ({@code jdbc:derby:memory:...},
 * {@code jdbc:h2:mem:...}, SQLite {@code :memory:}) that lives exactly as long as its one connection and so must
 * outlive every {@code close()}.
 *
 * <p>Reset on return, with several holders at once: SQLAlchemy rolls back on every proxy's return, even while another
 * caller is in the middle of a transaction on the same connection. Here only the <em>last</em> holder's
 * {@code close()} resets the connection (rollback or commit per {@code reset.on.return}, statements left open
 * closed, changed properties restored) and fires {@code checkin}; a holder that closes while others still hold the
 * connection leaves their transaction alone. Used by one caller at a time, it behaves exactly as SQLAlchemy's. Likewise
 * {@code checkout} listeners, pre-ping and recycle run when a checkout finds nobody holding the connection, not when
 * it joins holders already there.
 *
 * <p>Invalidating the connection (hard) closes it under every holder; the next checkout opens a new one.
 * {@link #dispose()} closes it if nobody holds it, else the engine closes it when the last holder returns it; either
 * way the next checkout opens a new one. {@code recreate()} gives a pool that will open its own.
 *
 * <p>What it does not support, and why: {@code pool.size}, {@code max.overflow}, {@code timeout} and
 * {@code use.lifo} (there is one connection and nobody waits for it). There is no isolation between holders: they
 * share one transaction, and a JDBC driver serialises or interleaves their calls as it does for any connection used
 * from several threads. A handle that is garbage collected without {@code close()} counts its holder out, like a
 * {@code close()}; when it was the last holder the connection is reset and checked in as a leaked one.
 * {@code detach()} works only for a sole holder. Not for a server database shared by a busy application: use
 * {@code queue}.
 *
 * <p>Thread-safe. The first checkout opens the connection under a lock, so that concurrent first checkouts open one
 * connection, not several; later checkouts take no lock here. The last holder's checkin and {@link #dispose()} agree
 * under that lock on which entry is the pool's.
 */
final class StaticPool implements PoolStrategy {

    private final PoolContext context;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile PoolEntry shared;

    StaticPool(PoolContext context) {
        this.context = context;
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        PoolEntry entry = shared;
        if (entry != null) {
            return entry;
        }
        connecting.lock();
        try {
            if (shared == null) {
                shared = context.newSharedEntry();
            }
            return shared;
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public void checkin(PoolEntry entry) {
        if (entry == shared) {
            // Still the pool's: a dispose() from now on sees it idle and discards it itself.
            return;
        }
        boolean kept;
        // Under the lock, so that dispose() cannot make it the pool's connection again after this decision.
        connecting.lock();
        try {
            kept = entry == shared;
        } finally {
            connecting.unlock();
        }
        if (!kept) {
            // dispose() let go of it while a checkout was taking it: it is nobody's now.
            context.discard(entry);
        }
    }

    @Override
    public void dispose() {
        PoolEntry idle;
        connecting.lock();
        try {
            idle = shared;
            if (idle == null || idle.isCheckedOut()) {
                return;
            }
            shared = null;
        } finally {
            connecting.unlock();
        }
        context.discard(idle);
        connecting.lock();
        try {
            if (shared == null && idle.isCheckedOut()) {
                // A checkout took it between the check above and the discard, which left it to its holders: it stays
                // the pool's one connection rather than the next checkout opening a second beside it.
                shared = idle;
            }
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public PoolStatus status() {
        PoolEntry entry = shared;
        int out = entry != null && entry.isCheckedOut() ? 1 : 0;
        int in = entry != null && out == 0 ? 1 : 0;
        return new PoolStatus(context.poolName(), StaticPoolProvider.NAME, 1, in, out, 0, 0,
                context.openConnections(), "StaticPool");
    }

    /** Reads no setting of its own: every change is the engine's, so it takes any in place. */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        return true;
    }
}

package org.poolkit.nullpool.internal;

import java.sql.SQLException;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * SQLAlchemy's {@code NullPool}: no pooling at all. Every checkout opens a new driver connection through the creator
 * ({@code connect} fires each time) and every checkin closes it after the usual reset ({@code reset}, {@code checkin},
 * then {@code close}). For applications whose driver or middleware pools already (PgBouncer, a container's pool),
 * for short-lived tools, and for tests that want each checkout to start from a clean connection.
 *
 * <p>What it does not support, and why: {@code pool.size}, {@code max.overflow}, {@code timeout} and
 * {@code use.lifo} mean nothing here (there is no limit and nobody waits: a checkout fails only when the database
 * does); {@code recycle} and {@code pre.ping} are accepted but inert, since every connection is fresh;
 * {@link #dispose()} has nothing idle to close. Every checkout pays a full connect, so it is not for busy
 * applications that talk straight to the database.
 *
 * <p>Thread-safe: it keeps no state.
 */
final class NullPool implements PoolStrategy {

    private final PoolContext context;

    NullPool(PoolContext context) {
        this.context = context;
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        return context.newEntry();
    }

    @Override
    public void checkin(PoolEntry entry) {
        context.discard(entry);
    }

    @Override
    public void dispose() {
        // Nothing is ever idle: connections are closed as they come back.
    }

    @Override
    public PoolStatus status() {
        int open = context.openConnections();
        return new PoolStatus(context.poolName(), NullPoolProvider.NAME, 0, 0, open, 0, 0, open, "NullPool");
    }

    /** Reads no setting of its own: every change is the engine's, so it takes any in place. */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        return true;
    }
}

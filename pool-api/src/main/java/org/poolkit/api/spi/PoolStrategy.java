package org.poolkit.api.spi;

import java.sql.SQLException;

import org.osgi.annotation.versioning.ConsumerType;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolStatus;

/**
 * Which entry a checkout gets and what becomes of an entry that comes back: the whole of a pooling strategy.
 * The engine calls it for one pool, from any thread at once; implementations are thread-safe.
 *
 * <p>Entries come from {@link PoolContext#newEntry()} and are returned to the engine's care only through
 * {@link PoolContext#discard}. An entry checked in may hold no connection (it was invalidated); the engine connects
 * it again on its next checkout, so the strategy keeps it like any other.
 */
@ConsumerType
public interface PoolStrategy {

    /**
     * Yields an entry for a checkout, waiting if the strategy's limits say so. Only an entry made by
     * {@link PoolContext#newSharedEntry()} may be yielded while it is checked out.
     *
     * @return an entry the caller now holds
     * @throws org.poolkit.api.PoolTimeoutException when the wait ran out
     * @throws SQLException when a new entry could not connect; the strategy must have released whatever it
     *                      reserved for it
     */
    PoolEntry checkout() throws SQLException;

    /**
     * Takes back an entry the engine got from {@link #checkout()}, already reset; a shared entry once, when its last
     * holder returns it. Never throws.
     *
     * @param entry the entry
     */
    void checkin(PoolEntry entry);

    /** Discards every idle entry through {@link PoolContext#discard}. Entries checked out are not touched. */
    void dispose();

    /** @return the counts and SQLAlchemy's status line for this strategy */
    PoolStatus status();
}

package org.poolkit.api.spi;

import java.sql.SQLException;

import org.osgi.annotation.versioning.ConsumerType;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
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

    /**
     * Takes new settings while the pool runs, so that a change of {@code pool.size}, {@code max.overflow},
     * {@code timeout} or {@code use.lifo} needs no new pool. Checkouts and checkins go on meanwhile; the engine never
     * calls this twice at once. Entries already checked out stay valid. A strategy that cannot change in place
     * returns false and stays exactly as it was; the caller then builds a new pool with the new settings.
     *
     * <p>The default refuses: a strategy takes settings live only when it says how.
     *
     * @param settings the new settings; their {@code name} and {@code leak.detection.threshold} are the pool's
     *                 current ones
     * @return whether the strategy now works by {@code settings}
     */
    default boolean reconfigure(PoolSettings settings) {
        return false;
    }

    /**
     * The pool has been swapped out for a new one: checkouts waiting for this strategy's limits must stop waiting
     * and fail (their callers then ask the new pool), and later checkouts must not wait. Entries still out come back
     * through {@link #checkin} as usual; {@link #dispose()} follows. Never throws.
     *
     * <p>The default does nothing, which suits a strategy that never makes a checkout wait.
     */
    default void retire() {
    }
}

package org.poolkit.api;

import java.sql.Connection;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The pool-owned slot behind a checkout (SQLAlchemy's {@code ConnectionPoolEntry}). An entry lives longer than any
 * one driver connection: when its connection is invalidated or recycled, the entry stays in the pool and opens a
 * new connection at its next checkout.
 *
 * <p>Listeners receive entries in {@link PoolEvents}; strategies hold them as opaque tokens. Thread-safe.
 */
@ProviderType
public interface PoolEntry {

    /**
     * @return the driver connection this entry holds now, or {@code null} when it holds none (never connected,
     *         invalidated, or detached). Use it only from within an event or while you hold the checkout: the pool
     *         owns it
     */
    Connection connection();

    /**
     * @return a mutable map for data that lives as long as the current driver connection; it is emptied whenever
     *         the entry connects anew
     */
    Map<String, Object> info();

    /** @return a mutable map for data that lives as long as the entry itself, across reconnects */
    Map<String, Object> entryInfo();

    /**
     * Closes the driver connection now and fires {@link PoolEvents#invalidate} then {@link PoolEvents#close}; the
     * entry connects anew at its next checkout. If the entry is checked out, its holder's next use fails with
     * SQLState 08003 and its {@code close()} skips the reset. Does nothing when there is no connection.
     *
     * @param reason why, for the event and the log; may be {@code null}
     */
    void invalidate(Throwable reason);

    /**
     * Marks the driver connection to be replaced at the entry's next checkout and fires
     * {@link PoolEvents#softInvalidate}. The connection stays usable until then.
     *
     * @param reason why, for the event and the log; may be {@code null}
     */
    void softInvalidate(Throwable reason);

    /** @return whether a caller holds this entry now */
    boolean isCheckedOut();
}

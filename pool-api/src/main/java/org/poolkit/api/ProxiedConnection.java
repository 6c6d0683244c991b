package org.poolkit.api;

import java.sql.Connection;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The {@link Connection} a checkout hands out (SQLAlchemy's {@code PoolProxiedConnection}). It forwards JDBC calls to
 * the driver connection of its {@link PoolEntry}; {@link #close()} checks it in.
 *
 * <p>On {@code close()} the pool closes the statements the holder left open, resets the transaction (see
 * {@link ResetStyle}), restores auto-commit, isolation, read-only, catalog, schema and network timeout where the
 * holder changed them, and gives the entry back to the pool. {@code close()} on a closed handle does nothing;
 * every other JDBC call on a closed handle throws {@link java.sql.SQLException} with SQLState {@code 08003}, except
 * those JDBC itself defines on closed connections ({@code isClosed()} answers true, {@code isValid} false), the
 * methods of this interface, and {@code unwrap} to the handle's own type.
 *
 * <p>A handle belongs to the thread that checked it out, like the JDBC connection it stands for: it is not
 * thread-safe. A handle that becomes unreachable without {@code close()} is taken back by the pool and logged as a
 * leak.
 */
@ProviderType
public interface ProxiedConnection extends Connection {

    /**
     * Hard invalidation without a reason; see {@link #invalidate(Throwable)}.
     */
    void invalidate();

    /**
     * Closes the driver connection now and checks this handle in: the pool fires {@link PoolEvents#invalidate},
     * {@link PoolEvents#close} and {@link PoolEvents#checkin} (with no connection), and its entry connects anew at
     * its next checkout. The handle is closed afterwards. Does nothing, apart from a warning, when the handle is
     * already closed or invalidated.
     *
     * @param reason why, for the event and the log; may be {@code null}
     */
    void invalidate(Throwable reason);

    /**
     * Marks the driver connection to be replaced at its next checkout; it stays usable until this handle is
     * closed, and is then checked in as usual. Fires {@link PoolEvents#softInvalidate}.
     *
     * @param reason why, for the event and the log; may be {@code null}
     */
    void softInvalidate(Throwable reason);

    /**
     * Takes the driver connection out of the pool for good. The entry goes back to the pool empty, so the pool's
     * limits no longer count this connection; the handle keeps working, and its {@code close()} resets and closes
     * the driver connection, firing {@link PoolEvents#closeDetached}. Fires {@link PoolEvents#detach}.
     *
     * @throws java.sql.SQLException with SQLState 08003 when the handle is closed or invalidated
     */
    void detach() throws java.sql.SQLException;

    /** @return whether the handle's connection was invalidated (hard) while it was held */
    boolean isInvalidated();

    /** @return whether {@link #detach()} was called */
    boolean isDetached();

    /**
     * @return the entry's {@link PoolEntry#info()} map, or after {@link #detach()} a private copy of it
     */
    Map<String, Object> info();

    /** @return the entry behind this handle, or {@code null} once it is detached or closed */
    PoolEntry entry();
}

package org.poolkit.api;

import java.sql.Connection;
import java.sql.SQLException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Listens to the life of a pool's connections: SQLAlchemy's pool events, one default no-op method each. Add a
 * listener with {@link Pool#addListener}; in OSGi, register it as a service (a {@code pool.name} service property
 * narrows it to one data source).
 *
 * <p>Events run on the thread that caused them, in this order:
 * <ul>
 * <li>first checkout of a new connection: {@code firstConnect} (once per pool) → {@code connect} →
 * {@code checkout};</li>
 * <li>{@code close()} of a handle: {@code reset} → {@code checkin};</li>
 * <li>hard invalidation of a held connection: {@code invalidate} → {@code close} → {@code checkin} (no connection);
 * </li>
 * <li>soft invalidation: {@code softInvalidate}; later {@code reset} → {@code checkin}; at the next checkout
 * {@code close} → {@code connect} → {@code checkout};</li>
 * <li>a reset that fails: {@code reset} → {@code invalidate} → {@code close} → {@code checkin};</li>
 * <li>detach, then close: {@code detach}; later {@code reset} → {@code closeDetached};</li>
 * <li>a connection recycled by age or by pool invalidation: {@code close} → {@code connect} (no
 * {@code invalidate}).</li>
 * </ul>
 *
 * <p>An exception from {@code firstConnect}, {@code connect} or {@code checkout} fails the checkout: the connection
 * is invalidated, its entry goes back to the pool, and the caller of {@link Pool#checkout()} receives the exception.
 * A {@link DisconnectionException} from {@code checkout} instead makes the pool reconnect and run the checkout
 * listeners again, a bounded number of times. An exception from {@code reset} counts as a failed reset. Exceptions
 * from the other events are logged and otherwise ignored: a listener cannot break the pool's accounting.
 *
 * <p>Listeners must be thread-safe: events of different connections arrive from different threads at once.
 */
@ConsumerType
public interface PoolEvents {

    /**
     * The pool opened its first driver connection. Runs once per pool, before that connection's {@code connect};
     * other connects wait until it has run. If it throws, it runs again for the next new connection.
     *
     * @param connection the new driver connection
     * @param entry      its entry
     * @throws SQLException to fail the checkout
     */
    default void firstConnect(Connection connection, PoolEntry entry) throws SQLException {
    }

    /**
     * A driver connection was opened, for a new entry or to reconnect an existing one. The place for
     * per-connection setup.
     *
     * @param connection the new driver connection
     * @param entry      its entry
     * @throws SQLException to fail the checkout
     */
    default void connect(Connection connection, PoolEntry entry) throws SQLException {
    }

    /**
     * A connection is about to be handed out, after pre-ping. Runs for every checkout. The listener may query
     * through {@code proxy}. Closing the proxy here does nothing and detaching it is refused; invalidating it or the
     * entry, a driver error through it that means the connection is dead, and throwing
     * {@link DisconnectionException} all have the connection replaced before the caller gets it.
     *
     * @param connection the driver connection
     * @param entry      its entry
     * @param proxy      the handle the caller will receive
     * @throws SQLException to fail the checkout, or {@link DisconnectionException} to have the connection replaced
     */
    default void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) throws SQLException {
    }

    /**
     * An entry went back to the pool.
     *
     * @param connection its driver connection, or {@code null} when the connection was invalidated
     * @param entry      the entry
     */
    default void checkin(Connection connection, PoolEntry entry) {
    }

    /**
     * A returned connection is about to be reset, before the rollback or commit of {@link ResetStyle}. Fires even
     * with {@link ResetStyle#NONE}: the hook for a custom reset. Not fired for invalidated connections.
     *
     * @param connection the driver connection
     * @param entry      its entry, or {@code null} for a detached connection
     * @param state      why it is reset
     * @throws SQLException to fail the reset: the connection is then invalidated instead of pooled
     */
    default void reset(Connection connection, PoolEntry entry, ResetState state) throws SQLException {
    }

    /**
     * A driver connection is being invalidated (hard), before it is closed.
     *
     * @param connection the driver connection
     * @param entry      its entry
     * @param reason     why, or {@code null}
     */
    default void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
    }

    /**
     * A driver connection was marked to be replaced at its next checkout.
     *
     * @param connection the driver connection
     * @param entry      its entry
     * @param reason     why, or {@code null}
     */
    default void softInvalidate(Connection connection, PoolEntry entry, Throwable reason) {
    }

    /**
     * A driver connection of an entry is about to be closed: disposal, recycle, invalidation, or a strategy
     * closing a surplus connection. Not fired on a normal checkin.
     *
     * @param connection the driver connection
     * @param entry      its entry
     */
    default void close(Connection connection, PoolEntry entry) {
    }

    /**
     * A driver connection left the pool for good through {@link ProxiedConnection#detach()}.
     *
     * @param connection the driver connection
     * @param entry      the entry it left, already back in the pool
     */
    default void detach(Connection connection, PoolEntry entry) {
    }

    /**
     * A detached driver connection is about to be closed by its holder's {@code close()}.
     *
     * @param connection the driver connection
     */
    default void closeDetached(Connection connection) {
    }
}

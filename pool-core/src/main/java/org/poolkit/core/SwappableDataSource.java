package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import javax.sql.DataSource;

import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;

/**
 * A {@link DataSource} whose pool can be replaced while it serves, with nothing lost: the live swap.
 *
 * <p>{@link #swap(Pool)} routes every new {@link #getConnection()} to the new pool at once and disposes the old
 * one: its idle connections close now, and the connections its holders still have keep working until they are
 * closed, and are then closed rather than pooled. Once the last comes back the old pool holds no connection. No
 * {@code getConnection()} fails or keeps waiting because of a swap: one waiting at the old pool's limit stops waiting,
 * and one that fails in the old pool meanwhile is tried again in the new one. {@link #reconfigure(PoolSettings)} first tries to apply
 * new settings to the running pool in place.
 *
 * <p>Thread-safe. {@code getConnection()} takes no lock; {@code swap}, {@code reconfigure} and {@code close} are meant
 * to be called by one configuring thread at a time.
 */
public final class SwappableDataSource extends PoolBackedDataSource {

    private final String name;
    // null once closed.
    private volatile Pool pool;

    /**
     * @param name the data source's name, for messages
     * @param pool the pool to serve from first
     */
    public SwappableDataSource(String name, Pool pool) {
        if (name == null || pool == null) {
            throw new IllegalArgumentException("name and pool must not be null");
        }
        this.name = name;
        this.pool = pool;
    }

    /** @return the pool new checkouts go to, or {@code null} when closed */
    @Override
    public Pool pool() {
        return pool;
    }

    /**
     * Makes {@code next} the pool new checkouts go to and disposes the previous one, as the class description says.
     * On a closed data source this opens it again with {@code next}.
     *
     * @param next the new pool
     * @return the previous pool, disposed (connections still out close as they come back), or {@code null} if the
     *         data source was closed
     */
    public Pool swap(Pool next) {
        if (next == null) {
            throw new IllegalArgumentException("next must not be null");
        }
        Pool previous = pool;
        if (next == previous) {
            throw new IllegalArgumentException("Data source '" + name + "' already serves from " + next);
        }
        pool = next;
        if (previous != null) {
            retire(previous);
            Engine.LOG.info("Data source '{}' swapped its pool: {} -> {}; the old pool closes the connections still "
                    + "out as they come back", name, previous.strategy(), next.strategy());
        }
        return previous;
    }

    /**
     * Applies new settings to the running pool without a new pool, when the pool can take them in place (see the
     * configuration table: {@code pool.size}, {@code max.overflow}, {@code timeout}, {@code use.lifo},
     * {@code recycle}, {@code pre.ping}, {@code reset.on.return}, as its strategy allows).
     *
     * @param settings the new settings
     * @return false when the pool cannot take them in place (or the data source is closed): then nothing changed,
     *         and the caller builds a new pool and {@link #swap}s to it
     */
    public boolean reconfigure(PoolSettings settings) {
        Pool current = pool;
        return current instanceof Engine && ((Engine) current).reconfigure(settings);
    }

    /**
     * Stops serving: later {@code getConnection()} calls fail, as do those waiting at the pool's limit, the pool is
     * disposed, and connections still out are closed as they come back. Does nothing if already closed.
     *
     * @return the pool it served from, disposed, or {@code null} if it was closed already
     */
    public Pool close() {
        Pool previous = pool;
        pool = null;
        if (previous != null) {
            retire(previous);
        }
        return previous;
    }

    private static void retire(Pool previous) {
        if (previous instanceof Engine) {
            ((Engine) previous).retire();
        } else {
            previous.dispose();
        }
    }

    /**
     * Checks a connection out of the current pool. Its {@code close()} checks it back in to the pool it came from.
     *
     * @throws SQLNonTransientConnectionException (SQLState 08003) when the data source is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        Pool from = pool;
        while (from != null) {
            ProxiedConnection connection;
            try {
                connection = from.checkout();
            } catch (SQLException | RuntimeException e) {
                Pool now = pool;
                if (now == from) {
                    throw e;
                }
                if (now == null) {
                    // close() ended this checkout (a wait at the limit, say): the pool's message would speak of a
                    // new pool.
                    throw closed(e);
                }
                // The pool was swapped out while this checkout waited or connected: its failure (a timeout, an old
                // url) is not the new pool's, which gets the checkout instead.
                from = now;
                continue;
            }
            Pool now = pool;
            if (now == from) {
                return connection;
            }
            // A swap retired this pool while we checked out, perhaps after its dispose: a connection returned to it
            // now would stay pooled there for good. Give it back, dispose again, and use the new pool.
            connection.close();
            from.dispose();
            from = now;
        }
        throw closed(null);
    }

    private SQLNonTransientConnectionException closed(Throwable cause) {
        return new SQLNonTransientConnectionException("Data source '" + name + "' is closed", "08003", cause);
    }

    /**
     * Not supported: every connection uses the configured credentials.
     *
     * @throws SQLFeatureNotSupportedException always
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("Data source '" + name
                + "' opens every connection with its configured credentials; use getConnection()");
    }

    @Override
    String describe() {
        return "Data source '" + name + "'";
    }

    @Override
    public String toString() {
        return "SwappableDataSource[" + name + ", " + pool + "]";
    }
}

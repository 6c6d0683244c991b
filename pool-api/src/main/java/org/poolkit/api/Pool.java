package org.poolkit.api;

import java.sql.SQLException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pool of JDBC connections with SQLAlchemy's semantics. Its strategy (queue, null, static, thread-local,
 * assertion) decides which connection a checkout gets; the pool does the rest — connects, resets on return,
 * recycles, pre-pings, invalidates, fires {@link PoolEvents} and takes back leaked connections.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface Pool {

    /** @return the pool's name, from {@link PoolSettings#name()} */
    String name();

    /** @return the strategy's name: {@code queue}, {@code null}, {@code static}, {@code threadlocal}, ... */
    String strategy();

    /** @return the settings the pool works by now: those it was made with, or newer ones it took in place */
    PoolSettings settings();

    /**
     * Checks a connection out. The caller must {@code close()} it, which checks it back in.
     *
     * @return a connection that nobody else holds (except with strategies that share one on purpose)
     * @throws PoolTimeoutException when the pool stayed at its limit for {@link PoolSettings#timeout()}
     * @throws SQLException         when the database cannot be reached (the driver's error, unchanged), or a
     *                              checkout listener failed
     */
    ProxiedConnection checkout() throws SQLException;

    /** @return the pool's counts now */
    PoolStatus status();

    /**
     * Closes every idle connection now; connections still checked out are closed when they come back. The pool
     * stays usable and opens new connections as checkouts need them. Counts stay exact throughout.
     */
    void dispose();

    /**
     * @return a new, empty pool with the same strategy, creator, settings and listeners; it opens no connection
     *         until its first checkout. This pool is left as it is: dispose it if it is done with
     */
    Pool recreate();

    /** @param listener to receive this pool's events from now on */
    void addListener(PoolEvents listener);

    /** @param listener to receive no more events; nothing happens if it was not added */
    void removeListener(PoolEvents listener);
}

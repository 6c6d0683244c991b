package org.poolkit.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens the driver connections a pool manages.
 *
 * <p>The pool calls it whenever it needs a new physical connection: for a new entry, or to reconnect an entry
 * whose connection was invalidated or recycled. It is never called while the pool holds a lock that other
 * checkouts wait on, so a slow connect delays only the checkout that asked for it. An exception thrown here
 * reaches the caller of {@link Pool#checkout()} unchanged, and the pool's accounting is left as it was before
 * the attempt.
 *
 * <p>Implementations must be thread-safe: several checkouts may connect at once.
 */
@ConsumerType
@FunctionalInterface
public interface ConnectionCreator {

    /**
     * Opens a new driver connection.
     *
     * @param entry the entry the connection is for; its {@link PoolEntry#entryInfo()} may carry what the creator
     *              needs to remember between reconnects
     * @return a new, open connection that nobody else holds
     * @throws SQLException when the database cannot be reached; it is passed on to the caller of the checkout
     */
    Connection create(PoolEntry entry) throws SQLException;

    /**
     * A creator that opens connections with {@link DataSource#getConnection()}.
     *
     * @param dataSource the unpooled data source of the driver
     * @return the creator
     */
    static ConnectionCreator of(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return entry -> dataSource.getConnection();
    }
}

package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.poolkit.api.ConnectionCreator;

/**
 * Opens and closes the driver connections of one pool: calls the creator, fires {@code firstConnect}, {@code connect}
 * and {@code close}, and counts the connections open. Thread-safe; the creator runs on the caller's thread and under
 * no lock, except that the pool's very first connect waits for {@code firstConnect} listeners to finish.
 */
final class Connector {

    private final String poolName;
    private final ConnectionCreator creator;
    private final LongSupplier clock;
    private final Listeners listeners;
    private final AtomicInteger open = new AtomicInteger();
    private final ReentrantLock firstConnectLock = new ReentrantLock();
    private volatile boolean firstConnectDone;

    Connector(String poolName, ConnectionCreator creator, LongSupplier clock, Listeners listeners) {
        this.poolName = poolName;
        this.creator = creator;
        this.clock = clock;
        this.listeners = listeners;
    }

    /** @return driver connections open now and still the pool's */
    int open() {
        return open.get();
    }

    /**
     * Gives the entry a new driver connection of the given generation. On failure nothing is left open: a connection
     * whose {@code connect} listener failed is invalidated.
     */
    void connect(Entry entry, int generation) throws SQLException {
        Connection opened = creator.create(entry);
        if (opened == null) {
            throw new SQLNonTransientConnectionException(
                    "Pool '" + poolName + "': the connection creator returned no connection", "08001");
        }
        open.incrementAndGet();
        try {
            entry.attach(opened, clock.getAsLong(), generation);
        } catch (SQLException | RuntimeException | Error e) {
            closeQuietly(opened);
            open.decrementAndGet();
            throw e;
        }
        try {
            fireConnect(opened, entry);
        } catch (SQLException | RuntimeException | Error e) {
            entry.invalidate(e);
            throw e;
        }
    }

    private void fireConnect(Connection opened, Entry entry) throws SQLException {
        if (!firstConnectDone) {
            // The first connection's events run alone: other connects wait until firstConnect has succeeded.
            firstConnectLock.lock();
            try {
                if (!firstConnectDone) {
                    listeners.firstConnect(opened, entry);
                    firstConnectDone = true;
                    listeners.connect(opened, entry);
                    return;
                }
            } finally {
                firstConnectLock.unlock();
            }
        }
        listeners.connect(opened, entry);
    }

    /** Closes a driver connection the entry has let go of; fires {@code close}. */
    void close(Entry entry, Connection driver) {
        try {
            if (!listeners.isEmpty()) {
                listeners.close(driver, entry);
            }
        } finally {
            closeQuietly(driver);
            open.decrementAndGet();
        }
    }

    /** Stops counting a connection that left the pool for good (detach). */
    void forget() {
        open.decrementAndGet();
    }

    void closeQuietly(Connection driver) {
        try {
            driver.close();
        } catch (SQLException | RuntimeException e) {
            Engine.LOG.warn("Pool '{}': closing a connection failed; ignored", poolName, e);
        }
    }
}

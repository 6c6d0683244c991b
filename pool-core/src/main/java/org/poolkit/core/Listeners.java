package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;

/**
 * A pool's {@link PoolEvents} listeners, in the order they were added, and the dispatch of each event to them.
 *
 * <p>Thread-safe. Dispatch reads a copy-on-write array and takes no lock; adding and removing are rare.
 * Events a listener may veto ({@code firstConnect}, {@code connect}, {@code checkout}, {@code reset}) pass its
 * exception on; the others log it and carry on, so a faulty listener cannot break the pool's accounting.
 */
final class Listeners {

    private static final PoolEvents[] NONE = {};

    private final String poolName;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile PoolEvents[] all = NONE;

    Listeners(String poolName) {
        this.poolName = poolName;
    }

    boolean isEmpty() {
        return all.length == 0;
    }

    void add(PoolEvents listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        writeLock.lock();
        try {
            PoolEvents[] grown = Arrays.copyOf(all, all.length + 1);
            grown[all.length] = listener;
            all = grown;
        } finally {
            writeLock.unlock();
        }
    }

    void remove(PoolEvents listener) {
        writeLock.lock();
        try {
            PoolEvents[] current = all;
            for (int i = 0; i < current.length; i++) {
                if (current[i] == listener) {
                    PoolEvents[] shrunk = new PoolEvents[current.length - 1];
                    System.arraycopy(current, 0, shrunk, 0, i);
                    System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                    all = shrunk;
                    return;
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    void addAll(Listeners other) {
        for (PoolEvents listener : other.all) {
            add(listener);
        }
    }

    void firstConnect(Connection connection, PoolEntry entry) throws SQLException {
        for (PoolEvents listener : all) {
            listener.firstConnect(connection, entry);
        }
    }

    void connect(Connection connection, PoolEntry entry) throws SQLException {
        for (PoolEvents listener : all) {
            listener.connect(connection, entry);
        }
    }

    void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) throws SQLException {
        for (PoolEvents listener : all) {
            listener.checkout(connection, entry, proxy);
        }
    }

    void reset(Connection connection, PoolEntry entry, ResetState state) throws SQLException {
        for (PoolEvents listener : all) {
            listener.reset(connection, entry, state);
        }
    }

    void checkin(Connection connection, PoolEntry entry) {
        notify("checkin", listener -> listener.checkin(connection, entry));
    }

    void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
        notify("invalidate", listener -> listener.invalidate(connection, entry, reason));
    }

    void softInvalidate(Connection connection, PoolEntry entry, Throwable reason) {
        notify("softInvalidate", listener -> listener.softInvalidate(connection, entry, reason));
    }

    void close(Connection connection, PoolEntry entry) {
        notify("close", listener -> listener.close(connection, entry));
    }

    void detach(Connection connection, PoolEntry entry) {
        notify("detach", listener -> listener.detach(connection, entry));
    }

    void closeDetached(Connection connection) {
        notify("closeDetached", listener -> listener.closeDetached(connection));
    }

    private void notify(String event, Consumer<PoolEvents> call) {
        for (PoolEvents listener : all) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                Engine.LOG.warn("Pool '{}': {} listener {} failed; ignored", poolName, event, listener, e);
            }
        }
    }
}

package org.poolkit.shell.internal;

import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;

/**
 * The physical connections a data source's pools have open, counted from their events: each connection is counted
 * from its {@code connect} until its {@code close} or {@code detach}, old pools draining after a swap included.
 *
 * <p>Thread-safe.
 */
final class ConnectionCounter implements PoolEvents {

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger opened = new AtomicInteger();

    @Override
    public void connect(Connection connection, PoolEntry entry) {
        open.add(connection);
        opened.incrementAndGet();
    }

    @Override
    public void close(Connection connection, PoolEntry entry) {
        open.remove(connection);
    }

    @Override
    public void detach(Connection connection, PoolEntry entry) {
        open.remove(connection);
    }

    /** @return connections open now */
    int open() {
        return open.size();
    }

    /** @return connections opened since the counter was registered */
    int opened() {
        return opened.get();
    }
}

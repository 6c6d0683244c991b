package org.poolkit.queuepool.internal;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.poolkit.api.PoolEntry;

/** A pool entry with no connection, told apart by its id, for the idle structures and the waiters to pass around. */
record Token(int id, AtomicBoolean held) implements PoolEntry {

    Token(int id) {
        this(id, new AtomicBoolean());
    }

    @Override
    public Connection connection() {
        return null;
    }

    @Override
    public Map<String, Object> info() {
        return Map.of();
    }

    @Override
    public Map<String, Object> entryInfo() {
        return Map.of();
    }

    @Override
    public void invalidate(Throwable reason) {
    }

    @Override
    public void softInvalidate(Throwable reason) {
    }

    @Override
    public boolean isCheckedOut() {
        return held.get();
    }
}

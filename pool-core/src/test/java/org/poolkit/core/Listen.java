package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;

/**
 * Listeners made from a lambda, one event each, for tests that need a listener to do something (fail, invalidate,
 * look at the connection) at one point of a connection's life.
 */
final class Listen {

    /** What the listener does; the connection may be null where the event allows it. */
    @FunctionalInterface
    interface Hook {
        void run(Connection connection, PoolEntry entry) throws SQLException;
    }

    private Listen() {
    }

    static PoolEvents onFirstConnect(Hook hook) {
        return new PoolEvents() {
            @Override
            public void firstConnect(Connection connection, PoolEntry entry) throws SQLException {
                hook.run(connection, entry);
            }
        };
    }

    static PoolEvents onConnect(Hook hook) {
        return new PoolEvents() {
            @Override
            public void connect(Connection connection, PoolEntry entry) throws SQLException {
                hook.run(connection, entry);
            }
        };
    }

    static PoolEvents onCheckout(Hook hook) {
        return new PoolEvents() {
            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy)
                    throws SQLException {
                hook.run(connection, entry);
            }
        };
    }

    static PoolEvents onReset(Hook hook) {
        return new PoolEvents() {
            @Override
            public void reset(Connection connection, PoolEntry entry, ResetState state) throws SQLException {
                hook.run(connection, entry);
            }
        };
    }
}

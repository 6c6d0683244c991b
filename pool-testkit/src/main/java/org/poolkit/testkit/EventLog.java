package org.poolkit.testkit;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;

/**
 * Records a pool's events as {@code "name#id"}, the id being the {@link StubConnection#id()} of the connection the
 * event is about, or {@code -} for none: {@code "connect#1"}, {@code "checkin#-"}. A reset says why it ran when it is
 * not a plain return: {@code "reset(terminateOnly)#1"}, {@code "reset(leaked)#1"}. For tests that assert the exact
 * order of events. Thread-safe.
 */
public final class EventLog implements PoolEvents {

    private final Queue<String> events = new ConcurrentLinkedQueue<>();

    /**
     * @param pool the pool to listen to
     * @return a log of that pool's events from now on
     */
    public static EventLog on(Pool pool) {
        EventLog log = new EventLog();
        pool.addListener(log);
        return log;
    }

    /** @return the events recorded since the last call, oldest first; they are forgotten */
    public List<String> take() {
        List<String> taken = new ArrayList<>();
        for (String event = events.poll(); event != null; event = events.poll()) {
            taken.add(event);
        }
        return taken;
    }

    /** @return the events recorded so far, oldest first, without forgetting them */
    public List<String> all() {
        return List.copyOf(events);
    }

    @Override
    public void firstConnect(Connection connection, PoolEntry entry) {
        record("firstConnect", connection);
    }

    @Override
    public void connect(Connection connection, PoolEntry entry) {
        record("connect", connection);
    }

    @Override
    public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) {
        record("checkout", connection);
    }

    @Override
    public void checkin(Connection connection, PoolEntry entry) {
        record("checkin", connection);
    }

    @Override
    public void reset(Connection connection, PoolEntry entry, ResetState state) {
        String why = state.terminateOnly() ? "(terminateOnly)" : state.leaked() ? "(leaked)" : "";
        record("reset" + why, connection);
    }

    @Override
    public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
        record("invalidate", connection);
    }

    @Override
    public void softInvalidate(Connection connection, PoolEntry entry, Throwable reason) {
        record("softInvalidate", connection);
    }

    @Override
    public void close(Connection connection, PoolEntry entry) {
        record("close", connection);
    }

    @Override
    public void detach(Connection connection, PoolEntry entry) {
        record("detach", connection);
    }

    @Override
    public void closeDetached(Connection connection) {
        record("closeDetached", connection);
    }

    private void record(String event, Connection connection) {
        events.add(event + "#" + (connection instanceof StubConnection ? ((StubConnection) connection).id() : "-"));
    }
}

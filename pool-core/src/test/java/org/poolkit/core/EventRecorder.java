package org.poolkit.core;

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
import org.poolkit.testkit.StubConnection;

/**
 * Records a pool's events as strings, event name and {@link StubConnection#id()} joined by {@code #}, so that a test
 * can assert their exact order: {@code "checkout#3"}, {@code "checkin#-"} (no connection). A reset says why it ran
 * when it is not a plain return: {@code "reset(terminateOnly)#1"}, {@code "reset(leaked)#1"}.
 *
 * <p>Thread-safe.
 */
final class EventRecorder implements PoolEvents {

    private final Queue<String> events = new ConcurrentLinkedQueue<>();

    /** @return a recorder listening to {@code pool} from now on */
    static EventRecorder on(Pool pool) {
        EventRecorder recorder = new EventRecorder();
        pool.addListener(recorder);
        return recorder;
    }

    /** @return the events recorded since the last call, oldest first; forgets them */
    List<String> take() {
        List<String> taken = new ArrayList<>();
        for (String event = events.poll(); event != null; event = events.poll()) {
            taken.add(event);
        }
        return taken;
    }

    /** @return the events recorded so far, oldest first, without forgetting them */
    List<String> all() {
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

package org.poolkit.core;

import java.sql.SQLException;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * The smallest strategy the engine can run: unbounded, last in first out, never waits. It exists so that pool-core
 * can test its engine without pool-queue (which depends on pool-core). Like the real strategies it holds only idle
 * entries, never the checked-out ones, so the engine gets no help from it in keeping a leaked entry reachable.
 *
 * <p>Thread-safe.
 */
final class SimpleStrategy implements PoolStrategy {

    static final String NAME = "simple";

    private final PoolContext context;
    private final Deque<PoolEntry> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger checkedOut = new AtomicInteger();

    SimpleStrategy(PoolContext context) {
        this.context = context;
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        checkedOut.incrementAndGet();
        PoolEntry entry = idle.pollFirst();
        if (entry != null) {
            return entry;
        }
        try {
            return context.newEntry();
        } catch (SQLException | RuntimeException | Error e) {
            checkedOut.decrementAndGet();
            throw e;
        }
    }

    @Override
    public void checkin(PoolEntry entry) {
        idle.addFirst(entry);
        checkedOut.decrementAndGet();
    }

    @Override
    public void dispose() {
        for (PoolEntry entry = idle.pollFirst(); entry != null; entry = idle.pollFirst()) {
            context.discard(entry);
        }
    }

    @Override
    public PoolStatus status() {
        int in = idle.size();
        int out = checkedOut.get();
        String summary = String.format(Locale.ROOT, "Connections in pool: %d Current Checked out connections: %d",
                in, out);
        return new PoolStatus(context.poolName(), NAME, 0, in, out, 0, 0, context.openConnections(), summary);
    }
}

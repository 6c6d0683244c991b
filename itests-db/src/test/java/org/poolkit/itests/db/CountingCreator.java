package org.poolkit.itests.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;

/**
 * Counts the driver connections a pool opens and closes from outside the pool: each connection is handed to the
 * pool behind a thin proxy that notices its first {@code close()} or {@code abort()}. The pool's own count is then
 * checked against this one, and against the server's where there is a server.
 *
 * <p>Thread-safe.
 */
final class CountingCreator implements ConnectionCreator {

    private final ConnectionCreator creator;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong leaving = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    CountingCreator(ConnectionCreator creator) {
        this.creator = creator;
    }

    @Override
    public Connection create(PoolEntry entry) throws SQLException {
        Connection connection = creator.create(entry);
        opened.incrementAndGet();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Counted(connection));
    }

    /** @return connections opened and not yet closed */
    long open() {
        return opened.get() - closed.get();
    }

    /**
     * @return connections opened that the pool has neither invalidated nor begun to close: an invalidated connection
     *         is no longer the pool's to hand out, and its close may take a while (Derby's waits for a statement
     *         another holder of a shared connection is running), while a joining checkout already opens the next
     */
    long openNotLeaving() {
        return opened.get() - leaving.get();
    }

    /** @return a listener to add to the pool, which tells this counter when a connection is invalidated */
    PoolEvents invalidations() {
        return new PoolEvents() {
            @Override
            public void invalidate(Connection connection, PoolEntry entry, Throwable reason) {
                if (connection != null && Proxy.isProxyClass(connection.getClass())
                        && Proxy.getInvocationHandler(connection) instanceof Counted) {
                    ((Counted) Proxy.getInvocationHandler(connection)).leaving();
                }
            }
        };
    }

    /** @return connections opened in all */
    long opened() {
        return opened.get();
    }

    private final class Counted implements InvocationHandler {

        private final Connection target;
        private final AtomicBoolean closedOnce = new AtomicBoolean();
        private final AtomicBoolean leftOnce = new AtomicBoolean();

        Counted(Connection target) {
            this.target = target;
        }

        void leaving() {
            if (leftOnce.compareAndSet(false, true)) {
                CountingCreator.this.leaving.incrementAndGet();
            }
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "close":
                case "abort":
                    if (closedOnce.compareAndSet(false, true)) {
                        leaving();
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            closed.incrementAndGet();
                        }
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}

package org.poolkit.datasource.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEvents;

/**
 * The {@link PoolEvents} services of the framework, added as listeners to the pool a data source serves from: each
 * hears the pools whose name its {@value #POOL_NAME} service property names, or every pool if it has none. A pool the
 * data source swapped out keeps the listeners it had while it drains.
 *
 * <p>Thread-safe: one lock orders services coming and going against {@link #attach} and {@link #detach}.
 */
final class PoolEventsWhiteboard implements ServiceTrackerCustomizer<PoolEvents, PoolEvents> {

    /** The service property of a {@link PoolEvents} service naming the pools it hears. */
    static final String POOL_NAME = "pool.name";

    private final BundleContext context;
    private final ServiceTracker<PoolEvents, PoolEvents> tracker;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final Map<ServiceReference<PoolEvents>, PoolEvents> listeners = new HashMap<>();
    private Pool current;

    PoolEventsWhiteboard(BundleContext context) {
        this.context = context;
        this.tracker = new ServiceTracker<>(context, PoolEvents.class, this);
    }

    void open() {
        tracker.open();
    }

    void close() {
        tracker.close();
    }

    /** Makes {@code pool} the one that hears the matching listeners from now on, and adds those there are now. */
    void attach(Pool pool) {
        lock.lock();
        try {
            current = pool;
            for (Map.Entry<ServiceReference<PoolEvents>, PoolEvents> listener : listeners.entrySet()) {
                if (hears(listener.getKey(), pool.name())) {
                    pool.addListener(listener.getValue());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** No pool hears listeners that come from now on. */
    void detach() {
        lock.lock();
        try {
            current = null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolEvents addingService(ServiceReference<PoolEvents> reference) {
        PoolEvents listener = context.getService(reference);
        if (listener == null) {
            return null;
        }
        lock.lock();
        try {
            listeners.put(reference, listener);
            if (current != null && hears(reference, current.name())) {
                current.addListener(listener);
            }
        } finally {
            lock.unlock();
        }
        return listener;
    }

    @Override
    public void modifiedService(ServiceReference<PoolEvents> reference, PoolEvents listener) {
        lock.lock();
        try {
            if (current != null) {
                current.removeListener(listener);
                if (hears(reference, current.name())) {
                    current.addListener(listener);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removedService(ServiceReference<PoolEvents> reference, PoolEvents listener) {
        lock.lock();
        try {
            listeners.remove(reference);
            if (current != null) {
                current.removeListener(listener);
            }
        } finally {
            lock.unlock();
        }
        context.ungetService(reference);
    }

    /** Whether a listener's {@value #POOL_NAME} property selects the pool: absent selects every pool. */
    private static boolean hears(ServiceReference<PoolEvents> ref, String poolName) {
        Object names = ref.getProperty(POOL_NAME);
        if (names == null) {
            return true;
        }
        if (names instanceof String[]) {
            return Arrays.asList((String[]) names).contains(poolName);
        }
        if (names instanceof Collection) {
            return ((Collection<?>) names).contains(poolName);
        }
        return poolName.equals(names);
    }
}

package org.poolkit.threadlocalpool.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;

/**
 * SQLAlchemy's {@code SingletonThreadPool}: one connection per thread, kept for that thread and never handed to
 * another. A second checkout on a thread whose connection is already out gets the same driver connection (nested
 * use): each checkout has its own handle, the holders are counted, and only the last {@code close()} resets the
 * connection and checks it in; an inner handle, once closed, stays closed. Meant for embedded databases whose
 * connections must not cross threads, and for code that checks out again further down its own call stack.
 *
 * <p>At most {@code pool.size} (default 5) threads keep a connection. Better than SQLAlchemy, which closes arbitrary
 * connections once more threads than that have one, even connections another thread is using: here, when more
 * connections are kept than {@code pool.size}, the least recently checked in <em>idle</em> ones are closed, and a
 * connection that is checked out is never closed under its thread. So while more than {@code pool.size} threads hold
 * connections at once, more than {@code pool.size} are open; the surplus is closed as they come back.
 *
 * <p>Virtual threads: a virtual thread usually runs one task and ends, so keeping a connection per virtual thread
 * would open one per task and keep up to {@code pool.size} connections of threads that are gone. On a virtual
 * thread the connection therefore lives only as long as its outermost checkout: nested checkouts share it as on a
 * platform thread, and the outermost {@code close()} closes it. Virtual threads do not count towards
 * {@code pool.size}. For an application on virtual threads that wants pooling, use {@code queue}.
 *
 * <p>What it does not support, and why: {@code max.overflow}, {@code timeout} and {@code use.lifo} (a thread never
 * waits for another's connection). A nested checkout gets no {@code checkout} event, pre-ping or recycle, which would
 * act on the connection its outer holder is using. A handle garbage collected without {@code close()} counts its
 * checkout out, like a {@code close()}: when it was the outermost one left, the connection is reset and checked in.
 * {@code pool.size} 0 keeps a connection for every thread, without limit.
 *
 * <p>Thread-safe. The kept connections are tracked under a lock that is never held while a connection opens or
 * closes.
 */
final class SingletonThreadPool implements PoolStrategy {

    private final PoolContext context;
    // Guarded by lock for the surplus count; volatile for status().
    private volatile int size;
    private final ThreadLocal<PoolEntry> threadEntry = new ThreadLocal<>();
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock. The entries kept for platform threads, true while out, in access order: a checkout and its
    // checkin each move the entry last without a new node, so the idle ones are least recently checked in first.
    private final LinkedHashMap<PoolEntry, Boolean> kept = new LinkedHashMap<>(16, 0.75f, true);
    // The entries of virtual threads now checked out; they are not kept past their checkin.
    private final Set<PoolEntry> virtualOut = ConcurrentHashMap.newKeySet();

    SingletonThreadPool(PoolContext context) {
        this.context = context;
        this.size = context.settings().poolSize();
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        PoolEntry mine = threadEntry.get();
        if (VirtualThreadCheck.isVirtual(Thread.currentThread())) {
            if (mine != null && virtualOut.contains(mine)) {
                return mine;
            }
            PoolEntry created = context.newSharedEntry();
            virtualOut.add(created);
            threadEntry.set(created);
            return created;
        }
        if (mine != null && markOut(mine)) {
            return mine;
        }
        PoolEntry created = context.newSharedEntry();
        threadEntry.set(created);
        List<PoolEntry> surplus;
        lock.lock();
        try {
            kept.put(created, Boolean.TRUE);
            surplus = takeSurplus();
        } finally {
            lock.unlock();
        }
        surplus.forEach(context::discard);
        return created;
    }

    /** @return whether the entry is still kept, now marked checked out; false if it was closed as surplus */
    private boolean markOut(PoolEntry entry) {
        lock.lock();
        try {
            return kept.replace(entry, Boolean.TRUE) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void checkin(PoolEntry entry) {
        if (virtualOut.remove(entry)) {
            context.discard(entry);
            return;
        }
        List<PoolEntry> surplus;
        boolean wasKept;
        lock.lock();
        try {
            wasKept = kept.replace(entry, Boolean.FALSE) != null;
            surplus = takeSurplus();
        } finally {
            lock.unlock();
        }
        if (!wasKept) {
            // dispose() let go of it while it was out.
            context.discard(entry);
        }
        surplus.forEach(context::discard);
    }

    /**
     * Takes a new {@code pool.size} in place: idle connections beyond it, least recently checked in first, close now;
     * connections out close as they come back while more are kept than the new size.
     */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        List<PoolEntry> surplus;
        lock.lock();
        try {
            size = settings.poolSize();
            surplus = takeSurplus();
        } finally {
            lock.unlock();
        }
        surplus.forEach(context::discard);
        return true;
    }

    /** Removes idle entries, least recently checked in first, while more are kept than pool.size. Holds lock. */
    private List<PoolEntry> takeSurplus() {
        int excess = size == 0 ? 0 : kept.size() - size;
        if (excess <= 0) {
            // The usual checkin: nothing to close, and nothing allocated to say so.
            return List.of();
        }
        List<PoolEntry> surplus = new ArrayList<>(excess);
        for (Iterator<Map.Entry<PoolEntry, Boolean>> it = kept.entrySet().iterator(); excess > 0 && it.hasNext(); ) {
            Map.Entry<PoolEntry, Boolean> candidate = it.next();
            if (!candidate.getValue()) {
                it.remove();
                surplus.add(candidate.getKey());
                excess--;
            }
        }
        return surplus;
    }

    @Override
    public void dispose() {
        List<PoolEntry> idle = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Map.Entry<PoolEntry, Boolean>> it = kept.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<PoolEntry, Boolean> candidate = it.next();
                if (!candidate.getValue()) {
                    it.remove();
                    idle.add(candidate.getKey());
                }
            }
        } finally {
            lock.unlock();
        }
        idle.forEach(context::discard);
    }

    @Override
    public PoolStatus status() {
        int checkedIn = 0;
        int checkedOut = virtualOut.size();
        int threads;
        lock.lock();
        try {
            threads = kept.size();
            for (boolean out : kept.values()) {
                if (out) {
                    checkedOut++;
                } else {
                    checkedIn++;
                }
            }
        } finally {
            lock.unlock();
        }
        String summary = String.format(Locale.ROOT, "SingletonThreadPool id:%d size: %d",
                System.identityHashCode(this), threads);
        return new PoolStatus(context.poolName(), SingletonThreadPoolProvider.NAME, size, checkedIn, checkedOut, 0, 0,
                context.openConnections(), summary);
    }
}

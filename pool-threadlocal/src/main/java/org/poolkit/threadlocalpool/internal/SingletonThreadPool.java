package org.poolkit.threadlocalpool.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * connections are kept than {@code pool.size}, surplus <em>idle</em> ones are closed, and a connection that is
 * checked out is never closed under its thread. So while more than {@code pool.size} threads hold connections at
 * once, more than {@code pool.size} are open; the surplus is closed as they come back.
 *
 * <p>Which idle connection is surplus: each kept connection carries a stamp from a pool-wide counter, taken when it
 * is made and again at every checkin while at least {@code pool.size} connections are kept; the lowest stamps close
 * first. While the pool stays full, which is when a new thread's connection makes one surplus, that is exactly least
 * recently checked in first. A checkin while fewer are kept takes no stamp, so that a thread reusing its connection
 * writes nothing shared: such a connection keeps the place of its last stamped checkin or of its making, which is
 * the order a {@code pool.size} lowered by {@link #reconfigure} closes them in.
 *
 * <p>Virtual threads: a virtual thread usually runs one task and ends, so keeping a connection per virtual thread
 * would open one per task and keep up to {@code pool.size} connections of threads that are gone. On a virtual
 * thread the connection therefore lives only as long as its outermost checkout: nested checkouts share it as on a
 * platform thread, and the outermost {@code close()} closes it. Virtual threads do not count towards
 * {@code pool.size}. For an application on virtual threads that wants pooling, use {@code queue}.
 *
 * <p>What it does not support, and why: {@code max.overflow}, {@code timeout} and {@code use.lifo} (a thread never
 * waits for another's connection). A nested checkout gets no {@code checkout} event, pre-ping or recycle, which would
 * act on the connection its outer holder is using. Handles garbage collected without {@code close()} are counted out
 * once no checkout on the connection still has its handle: the connection is then reset and checked in as leaked.
 * {@code pool.size} 0 keeps a connection for every thread, without limit.
 *
 * <p>Thread-safe. A platform thread checking out and in the connection it keeps, while fewer than {@code pool.size}
 * are kept or {@code pool.size} is 0, takes no lock, writes nothing shared, reads no clock and allocates nothing: it
 * finds its connection through its own {@link ThreadLocal} record. In a full pool a checkin adds one atomic increment
 * of the stamp counter, and a lock only when there is surplus to close. Making, closing and counting connections
 * take a lock that is never held while a connection opens or closes.
 */
final class SingletonThreadPool implements PoolStrategy {

    private final PoolContext context;
    // Guarded by lock for the surplus count; volatile for the checkins that read it without.
    private volatile int size;
    private final ThreadLocal<Kept> threadKept = new ThreadLocal<>();
    private final AtomicLong stamps = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: the platform threads' connections, found by entry for the checkins that do not come from the
    // thread itself (a leaked handle taken back elsewhere), and scanned for surplus.
    private final Map<PoolEntry, Kept> kept = new HashMap<>();
    // kept.size(), written under lock and read without it, so that a checkin learns whether the pool is full.
    private volatile int keptCount;
    // The virtual threads' connections now checked out; they are not kept past their checkin.
    private final Map<PoolEntry, Kept> virtualOut = new ConcurrentHashMap<>();

    SingletonThreadPool(PoolContext context) {
        this.context = context;
        this.size = context.settings().poolSize();
    }

    @Override
    public PoolEntry checkout() throws SQLException {
        Kept mine = threadKept.get();
        if (mine != null && (!mine.discarded || mine.entry.isCheckedOut())) {
            // The second test: let go of as surplus in the instant before this thread claimed it, so the engine
            // kept it for this thread, whose nested checkouts must share it until it comes back to be discarded.
            return mine.entry;
        }
        boolean virtual = VirtualThreadCheck.isVirtual(Thread.currentThread());
        Kept created = new Kept(context.newSharedEntry(), virtual);
        threadKept.set(created);
        if (virtual) {
            virtualOut.put(created.entry, created);
        } else {
            keep(created);
        }
        return created.entry;
    }

    private void keep(Kept created) {
        List<Kept> surplus;
        lock.lock();
        try {
            created.stamp = stamps.incrementAndGet();
            kept.put(created.entry, created);
            keptCount = kept.size();
            surplus = takeSurplus();
        } finally {
            lock.unlock();
        }
        discard(surplus);
    }

    @Override
    public void checkin(PoolEntry entry) {
        Kept mine = threadKept.get();
        if (mine == null || mine.entry != entry) {
            checkinFromAnotherThread(entry);
            return;
        }
        if (mine.fresh) {
            mine.fresh = false;
        }
        if (mine.virtual) {
            virtualOut.remove(entry);
            discard(mine);
        } else if (mine.discarded) {
            // Let go of while this thread held it: the discard then was left to this checkin.
            context.discard(entry);
        } else {
            returned(mine);
        }
    }

    /** A holder's handle garbage collected without close() is taken back on whichever thread notices it. */
    private void checkinFromAnotherThread(PoolEntry entry) {
        Kept virtual = virtualOut.remove(entry);
        if (virtual != null) {
            discard(virtual);
            return;
        }
        Kept platform;
        lock.lock();
        try {
            platform = kept.get(entry);
        } finally {
            lock.unlock();
        }
        if (platform == null) {
            // Let go of while it was out.
            context.discard(entry);
            return;
        }
        platform.fresh = false;
        returned(platform);
    }

    /**
     * A kept connection is idle again. Only a full pool stamps it and looks for surplus: that is where surplus can
     * arise, and where threads come and go anyway. The counts are read after the engine made the entry idle, so a
     * surplus scan racing this checkin either saw it idle or left the surplus for this checkin to find.
     */
    private void returned(Kept back) {
        int limit = size;
        if (limit == 0 || keptCount < limit) {
            return;
        }
        back.stamp = stamps.incrementAndGet();
        if (keptCount > limit) {
            List<Kept> surplus;
            lock.lock();
            try {
                surplus = takeSurplus();
            } finally {
                lock.unlock();
            }
            discard(surplus);
        }
    }

    /**
     * Takes a new {@code pool.size} in place: idle connections beyond it, lowest stamp first, close now; connections
     * out close as they come back while more are kept than the new size.
     */
    @Override
    public boolean reconfigure(PoolSettings settings) {
        List<Kept> surplus;
        lock.lock();
        try {
            size = settings.poolSize();
            surplus = takeSurplus();
        } finally {
            lock.unlock();
        }
        discard(surplus);
        return true;
    }

    /** Lets go of idle connections, lowest stamp first, while more are kept than pool.size. Holds lock. */
    private List<Kept> takeSurplus() {
        int excess = size == 0 ? 0 : kept.size() - size;
        if (excess <= 0) {
            return List.of();
        }
        List<Candidate> idle = new ArrayList<>();
        for (Kept candidate : kept.values()) {
            if (candidate.isIdle()) {
                idle.add(new Candidate(candidate.stamp, candidate));
            }
        }
        idle.sort(Comparator.comparingLong(Candidate::stamp));
        List<Kept> surplus = new ArrayList<>(excess);
        for (Candidate oldest : idle.subList(0, Math.min(excess, idle.size()))) {
            surplus.add(oldest.kept);
        }
        letGo(surplus);
        return surplus;
    }

    /** A stamp read once, as the sort needs it fixed while its owner may stamp it anew. */
    private record Candidate(long stamp, Kept kept) {
    }

    /** Marks them discarded before anyone discards them, so that their threads make new ones. Holds lock. */
    private void letGo(List<Kept> leaving) {
        for (Kept leaver : leaving) {
            leaver.discarded = true;
            kept.remove(leaver.entry);
        }
        keptCount = kept.size();
    }

    private void discard(List<Kept> leaving) {
        leaving.forEach(this::discard);
    }

    private void discard(Kept leaving) {
        leaving.discarded = true;
        context.discard(leaving.entry);
    }

    @Override
    public void dispose() {
        List<Kept> idle = new ArrayList<>();
        lock.lock();
        try {
            for (Kept candidate : kept.values()) {
                if (candidate.isIdle()) {
                    idle.add(candidate);
                }
            }
            letGo(idle);
        } finally {
            lock.unlock();
        }
        discard(idle);
    }

    @Override
    public PoolStatus status() {
        int checkedIn = 0;
        int checkedOut = virtualOut.size();
        int threads;
        lock.lock();
        try {
            threads = kept.size();
            for (Kept candidate : kept.values()) {
                if (candidate.isIdle()) {
                    checkedIn++;
                } else {
                    checkedOut++;
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

    /** A thread's connection as the strategy sees it, held in that thread's ThreadLocal. */
    private static final class Kept {

        final PoolEntry entry;
        final boolean virtual;
        /** Set before the entry is discarded, so that its thread, seeing it, makes a new one. */
        volatile boolean discarded;
        /** Made for a checkout that has not given it back yet: not surplus even before the engine claims it. */
        volatile boolean fresh = true;
        /** Place in the surplus order: the lowest closes first. */
        volatile long stamp;

        Kept(PoolEntry entry, boolean virtual) {
            this.entry = entry;
            this.virtual = virtual;
        }

        boolean isIdle() {
            return !fresh && !entry.isCheckedOut();
        }
    }
}

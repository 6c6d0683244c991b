package org.poolkit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.poolkit.api.PoolEntry;

/**
 * One slot of a pool and the driver connection it holds over time (SQLAlchemy's {@code _ConnectionRecord}).
 *
 * <p>Two kinds of state live here. The connection itself, its age and its generation are published through the
 * volatile {@link #connection} and may be read from any thread. The checkout state — the auto-commit mode the holder
 * left, which connection properties it changed, the statements it left open — belongs to the thread holding the
 * entry; the strategy's hand-over publishes it to the next holder.
 *
 * <p>A shared entry ({@link org.poolkit.api.spi.PoolContext#newSharedEntry()}) may have several holders at once, on
 * several threads. Its {@link Holders} count them in one atomic word, so that joining and leaving cost one
 * compare-and-set each; the first holder's checkout and the last holder's checkin make it {@code BUSY} while they
 * ready or reset the connection. The holders' lock guards only what holders change concurrently (open statements,
 * the auto-commit mode and changed properties, each with the driver call that changes it) and a joining checkout's
 * reconnect.
 */
final class Entry implements PoolEntry {

    static final int AUTO_COMMIT = 1;
    static final int ISOLATION = 1 << 1;
    static final int READ_ONLY = 1 << 2;
    static final int CATALOG = 1 << 3;
    static final int SCHEMA = 1 << 4;
    static final int NETWORK_TIMEOUT = 1 << 5;

    private static final VarHandle CONNECTION;
    private static final VarHandle OUT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CONNECTION = lookup.findVarHandle(Entry.class, "connection", Connection.class);
            OUT = lookup.findVarHandle(Entry.class, "out", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Engine engine;
    /** Null for an entry one checkout holds at a time. */
    final Holders holders;
    private final Map<String, Object> info = new ConcurrentHashMap<>();
    private final Map<String, Object> entryInfo = new ConcurrentHashMap<>();

    private volatile Connection connection;
    private volatile boolean softInvalidated;
    // Checked out. Written with release and read with acquire semantics: other threads (leak detection,
    // isCheckedOut) see a consistent value without the full fence a volatile write costs on every checkout and
    // checkin. A boolean, not the checkout itself, so that a checkout stores no reference into this long-lived
    // object: such a store runs the collector's write barrier (G1's with a fence, and a card-table write that
    // threads share).
    private boolean out;
    // The checkout's leak report, with leak.detection.threshold set; written before `out` publishes it.
    private LeakDetector.Checkout timed;
    long connectedAt;
    int generation;
    /** Connected during the current checkout, so pre-ping can skip it. */
    boolean fresh;

    // Leak detection (LeakDetector): the entry holds its anchor while it is in the pool and lends it to the handle
    // while checked out (to every handle of a shared entry's holders), so the tracker, a weak reference to the anchor,
    // fires only when the holders drop their handles unclosed. Confined like the checkout state; the tracker is kept
    // here so that it stays reachable itself.
    private Object anchor;
    private LeakDetector.Tracker tracker;

    // What the driver connection was like before any holder changed it; a bit of `known` per captured property.
    private int known;
    private boolean defaultAutoCommit;
    private int defaultIsolation;
    private boolean defaultReadOnly;
    private String defaultCatalog;
    private String defaultSchema;
    private int defaultNetworkTimeout;

    // The current checkout's state, confined to the holder; a shared entry's holders change it under their lock.
    boolean autoCommit;
    int dirty;
    final OpenStatements statements = new OpenStatements();

    Entry(Engine engine, boolean shared) {
        this.engine = engine;
        this.holders = shared ? new Holders() : null;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public Map<String, Object> info() {
        return info;
    }

    @Override
    public Map<String, Object> entryInfo() {
        return entryInfo;
    }

    @Override
    public void invalidate(Throwable reason) {
        Connection current = connection;
        if (current != null && CONNECTION.compareAndSet(this, current, null)) {
            engine.invalidated(this, current, reason);
        }
    }

    @Override
    public void softInvalidate(Throwable reason) {
        Connection current = connection;
        if (current != null) {
            softInvalidated = true;
            engine.softInvalidated(this, current, reason);
        }
    }

    /** A shared entry is checked out from its first holder's claim on, so that dispose() spares it from then on. */
    @Override
    public boolean isCheckedOut() {
        if (holders == null) {
            return checkout() != null;
        }
        int state = holders.state();
        return state != Holders.IDLE && state != Holders.DISCARDED;
    }

    @Override
    public String toString() {
        Connection current = connection;
        return "entry@" + Integer.toHexString(System.identityHashCode(this)) + (current == null ? " (no connection)"
                : " (" + current + ")");
    }

    /**
     * Takes a new driver connection; reads its auto-commit mode, the one default a reset always needs, and forgets what
     * holders did to the connection it replaces.
     */
    void attach(Connection opened, long now, int currentGeneration) throws SQLException {
        info.clear();
        known = AUTO_COMMIT;
        defaultAutoCommit = opened.getAutoCommit();
        resetHolderState();
        connectedAt = now;
        generation = currentGeneration;
        softInvalidated = false;
        fresh = true;
        connection = opened;
    }

    /** Lets go of the driver connection without closing it; returns it, or null if another thread took it first. */
    Connection release() {
        Connection current = connection;
        return current != null && CONNECTION.compareAndSet(this, current, null) ? current : null;
    }

    boolean isSoftInvalidated() {
        return softInvalidated;
    }

    /** @return the current checkout, or null when the entry is not checked out */
    LeakDetector.Checkout checkout() {
        if (!(boolean) OUT.getAcquire(this)) {
            return null;
        }
        LeakDetector.Checkout current = timed;
        return current == null ? LeakDetector.UNTIMED : current;
    }

    /** Begins a checkout; its holder state was reset when the entry was connected or last given back. */
    void startCheckout(LeakDetector.Checkout started) {
        if (started != LeakDetector.UNTIMED) {
            timed = started;
        }
        OUT.setRelease(this, true);
    }

    /** Forgets what holders did: at a new connection, and as the entry goes back to the strategy. */
    void resetHolderState() {
        // Written only if changed: an entry's line that nobody writes stays in every core's cache.
        if (autoCommit != defaultAutoCommit) {
            autoCommit = defaultAutoCommit;
        }
        if (dirty != 0) {
            dirty = 0;
        }
        statements.clear();
    }

    /**
     * @return whether the connection was made for the checkout now starting, so pre-ping can skip it; the next
     *         checkout finds it no longer fresh (written only if it was, as at almost every checkout it is not)
     */
    boolean takeFresh() {
        if (!fresh) {
            return false;
        }
        fresh = false;
        return true;
    }

    /** Remembers a statement its holder has not closed yet. */
    void statementOpened(Statement statement) {
        if (holders == null) {
            statements.add(statement);
            return;
        }
        holders.lock.lock();
        try {
            statements.add(statement);
        } finally {
            holders.lock.unlock();
        }
    }

    /** Forgets a statement its holder closed. */
    void statementClosed(Statement statement) {
        if (holders == null) {
            statements.remove(statement);
            return;
        }
        holders.lock.lock();
        try {
            statements.remove(statement);
        } finally {
            holders.lock.unlock();
        }
    }

    void endCheckout() {
        OUT.setRelease(this, false);
        if (timed != null) {
            timed = null;
        }
    }

    void arm(Object newAnchor, LeakDetector.Tracker newTracker) {
        anchor = newAnchor;
        tracker = newTracker;
    }

    LeakDetector.Tracker tracker() {
        return tracker;
    }

    /** Hands the anchor to the handle going out; the entry no longer keeps it reachable. */
    Object lendAnchor() {
        Object lent = anchor;
        anchor = null;
        return lent;
    }

    /** Takes the anchor back from a handle that is going back, before anyone else can check the entry out. */
    void returnAnchor(Object lent) {
        // A handle that already gave its anchor back (its detach failed half-way) must not take the entry's away.
        if (lent != null) {
            anchor = lent;
        }
    }

    /** The last holder let go of the entry, before the strategy gets it back. */
    void unclaim() {
        if (holders != null) {
            holders.publish(Holders.IDLE);
        }
    }

    /**
     * Decides that the entry is to be discarded. A shared entry a checkout claimed after the strategy let go of it is
     * left to that checkout: its last checkin gives it back to the strategy, which discards it then.
     *
     * @return whether the caller may close the entry's connection now
     */
    boolean discarding() {
        return holders == null || holders.discard();
    }

    /** A holder's call that changes the driver connection. */
    @FunctionalInterface
    interface DriverChange {
        void run(Connection driver) throws SQLException;
    }

    /**
     * Sets the driver connection's auto-commit mode for a holder and records it, for the last checkin to know whether
     * a transaction may be open and whether the mode needs restoring. On a shared entry the call and the record are one
     * step under the holders' lock: apart, two holders' steps could cross (A's call, B's call and record, A's record)
     * and leave a record that is not the driver's mode, and the checkin would then hand the next holder an open
     * transaction, or roll back in auto-commit mode and fail. The record is kept only for the entry's current
     * connection: a holder still on one that another holder invalidated says nothing of its replacement, which a
     * joining checkout connects under the same lock. An exclusive entry's one holder needs no lock.
     */
    void setAutoCommit(Connection driver, boolean on) throws SQLException {
        if (holders == null) {
            driver.setAutoCommit(on);
            autoCommit = on;
            return;
        }
        holders.lock.lock();
        try {
            driver.setAutoCommit(on);
            if (connection == driver) {
                autoCommit = on;
            }
        } finally {
            holders.lock.unlock();
        }
    }

    /**
     * Makes a holder's change of a restorable property on the driver connection and records it for checkin to
     * restore, first remembering the value the property had before any holder changed it. On a shared entry the three
     * are one step under the holders' lock, and only for the entry's current connection, as in
     * {@link #setAutoCommit}: a holder still on a replaced connection must not take its value for the replacement's
     * default, nor mark the replacement changed before its default was read.
     */
    void change(int property, Connection driver, DriverChange call) throws SQLException {
        if (holders == null) {
            changeAndRecord(property, driver, call);
            return;
        }
        holders.lock.lock();
        try {
            if (connection == driver) {
                changeAndRecord(property, driver, call);
            } else {
                call.run(driver);
            }
        } finally {
            holders.lock.unlock();
        }
    }

    private void changeAndRecord(int property, Connection driver, DriverChange call) throws SQLException {
        if ((known & property) == 0) {
            captureDefault(property, driver);
        }
        call.run(driver);
        dirty |= property;
    }

    private void captureDefault(int property, Connection driver) throws SQLException {
        switch (property) {
            case ISOLATION:
                defaultIsolation = driver.getTransactionIsolation();
                break;
            case READ_ONLY:
                defaultReadOnly = driver.isReadOnly();
                break;
            case CATALOG:
                defaultCatalog = driver.getCatalog();
                break;
            case SCHEMA:
                defaultSchema = driver.getSchema();
                break;
            case NETWORK_TIMEOUT:
                defaultNetworkTimeout = driver.getNetworkTimeout();
                break;
            default:
                throw new IllegalArgumentException("not a restorable property: " + property);
        }
        known |= property;
    }

    /** Puts back what the holder changed; auto-commit last, as turning it on commits. */
    void restoreDefaults(Connection driver) throws SQLException {
        if ((dirty & ISOLATION) != 0) {
            driver.setTransactionIsolation(defaultIsolation);
        }
        if ((dirty & READ_ONLY) != 0) {
            driver.setReadOnly(defaultReadOnly);
        }
        if ((dirty & CATALOG) != 0) {
            driver.setCatalog(defaultCatalog);
        }
        if ((dirty & SCHEMA) != 0) {
            driver.setSchema(defaultSchema);
        }
        if ((dirty & NETWORK_TIMEOUT) != 0) {
            driver.setNetworkTimeout(Runnable::run, defaultNetworkTimeout);
        }
        if (autoCommit != defaultAutoCommit) {
            driver.setAutoCommit(defaultAutoCommit);
        }
        dirty = 0;
    }

    /**
     * The holders of a shared entry, counted in one word: {@link #IDLE}, a positive count of holders, {@link #BUSY}
     * while the first holder's checkout readies the connection or the last holder's checkin resets it, or
     * {@link #DISCARDED}. Joining and leaving are one compare-and-set; the thread that made it {@code BUSY} ends that
     * with a release store. A checkout that finds it {@code BUSY} waits: spins briefly, as readying and resetting
     * usually take nanoseconds, then backs off, as a pre-ping or rollback may go over the network.
     */
    static final class Holders {

        static final int IDLE = 0;
        static final int BUSY = -1;
        static final int DISCARDED = -2;

        private static final VarHandle STATE;
        // Pauses double from one round to the next: about 1,000 in all before the first yield.
        private static final int SPIN_ROUNDS = 10;
        private static final int YIELDS = 100;
        private static final long BACKOFF_NANOS = 50_000;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Holders.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /**
         * Guards what holders change concurrently: open statements, the auto-commit mode and changed properties, a
         * joiner's reconnect.
         */
        final ReentrantLock lock = new ReentrantLock();
        private volatile int state = IDLE;
        // The id of the thread that made the state BUSY, so that its own listeners are refused rather than wait for
        // themselves; 0 for none. Cleared before the state leaves BUSY: another thread never mistakes a stale value
        // for itself. An id, not the Thread: a reference stored into this long-lived object on every last checkin
        // would run the collector's write barrier.
        private long busyOn;

        int state() {
            return state;
        }

        /** A checkout takes the entry nobody holds, to ready it; {@link #publish} ends that. */
        boolean claim() {
            return becomeBusy(IDLE);
        }

        /** A checkout joins the holders it saw. */
        boolean join(int seen) {
            return STATE.compareAndSet(this, seen, seen + 1);
        }

        /**
         * Counts a holder out.
         *
         * @return true when it was the last: the entry is then {@code BUSY}, for the caller to reset and give back
         */
        boolean leave() {
            while (true) {
                int seen = state;
                if (seen > 1) {
                    if (STATE.compareAndSet(this, seen, seen - 1)) {
                        return false;
                    }
                } else if (seen == 1) {
                    if (becomeBusy(1)) {
                        return true;
                    }
                } else if (!waitedForAnotherThread(seen)) {
                    throw new IllegalStateException("a holder left a shared entry that had none: " + seen);
                }
            }
        }

        /** A sole holder takes the entry to detach its connection; false while others hold it too. */
        boolean takeSole() {
            while (true) {
                int seen = state;
                if (seen == 1) {
                    if (becomeBusy(1)) {
                        return true;
                    }
                } else if (!waitedForAnotherThread(seen)) {
                    return false;
                }
            }
        }

        /**
         * Takes the entry from holders that are all gone without a checkin (their handles were collected), waiting
         * out a checkout or checkin under way.
         *
         * @return how many holders were counted, now {@code BUSY}; 0 if nobody holds it, or if this thread made it
         *         {@code BUSY} (a listener of its checkout, checkin or take-back): the tracker is then a late one
         */
        int seize() {
            while (true) {
                int seen = state;
                if (seen > 0) {
                    if (becomeBusy(seen)) {
                        return seen;
                    }
                } else if (!waitedForAnotherThread(seen)) {
                    return 0;
                }
            }
        }

        /** Ends {@code BUSY}: the entry now has {@code holders} holders, or none ({@link #IDLE}). */
        void publish(int holders) {
            busyOn = 0;
            STATE.setRelease(this, holders);
        }

        boolean discard() {
            return STATE.compareAndSet(this, IDLE, DISCARDED);
        }

        /**
         * Waits out a {@code BUSY} state another thread made: under live holders, only a late leak tracker's look at
         * the entry. The state the caller saw is not this thread's own work if it is {@code BUSY} and this returns
         * true; a thread never waits for itself (one of its own listeners calling back into the pool).
         *
         * @return false when the state seen is not {@code BUSY}, or is this thread's own
         */
        boolean waitedForAnotherThread(int seen) {
            if (seen != BUSY || busyOn == Thread.currentThread().getId()) {
                return false;
            }
            awaitNotBusy();
            return true;
        }

        /**
         * Waits until the entry is not {@code BUSY}. Looks at the state less and less often: every look takes the
         * cache line from the busy thread, which must then fetch it back to finish.
         */
        private void awaitNotBusy() {
            boolean interrupted = false;
            for (int round = 0; state == BUSY; round++) {
                if (round < SPIN_ROUNDS) {
                    for (int pause = 1 << round; pause > 0; pause--) {
                        Thread.onSpinWait();
                    }
                } else if (round < SPIN_ROUNDS + YIELDS) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(this, BACKOFF_NANOS);
                    // parkNanos returns at once while the interrupt status is set, which would make this a hot spin
                    // for as long as a pre-ping or rollback takes: keep the interrupt for the caller instead.
                    interrupted |= Thread.interrupted();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean becomeBusy(int from) {
            if (STATE.compareAndSet(this, from, BUSY)) {
                busyOn = Thread.currentThread().getId();
                return true;
            }
            return false;
        }
    }
}

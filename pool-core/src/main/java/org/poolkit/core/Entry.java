package org.poolkit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * several threads. Its {@link Holders} count them, and their lock guards the holder state that holders change
 * concurrently (open statements, changed properties) and the hand-over between the last holder's checkin and the next
 * first holder's checkout.
 */
final class Entry implements PoolEntry {

    static final int AUTO_COMMIT = 1;
    static final int ISOLATION = 1 << 1;
    static final int READ_ONLY = 1 << 2;
    static final int CATALOG = 1 << 3;
    static final int SCHEMA = 1 << 4;
    static final int NETWORK_TIMEOUT = 1 << 5;

    private static final VarHandle CONNECTION;
    private static final VarHandle CHECKOUT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CONNECTION = lookup.findVarHandle(Entry.class, "connection", Connection.class);
            CHECKOUT = lookup.findVarHandle(Entry.class, "checkout", LeakDetector.Checkout.class);
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
    // Written with release and read with acquire semantics: other threads (leak detection, isCheckedOut) see a
    // consistent value without the full fence a volatile write costs on every checkout and checkin.
    private LeakDetector.Checkout checkout;
    long connectedAt;
    int generation;
    /** Connected during the current checkout, so pre-ping can skip it. */
    boolean fresh;

    // What the driver connection was like before any holder changed it; a bit of `known` per captured property.
    private int known;
    private boolean defaultAutoCommit;
    private int defaultIsolation;
    private boolean defaultReadOnly;
    private String defaultCatalog;
    private String defaultSchema;
    private int defaultNetworkTimeout;

    // The current checkout's state, confined to the holder.
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
        return holders == null ? checkout() != null : holders.state.get() == Holders.HELD;
    }

    @Override
    public String toString() {
        Connection current = connection;
        return "entry@" + Integer.toHexString(System.identityHashCode(this)) + (current == null ? " (no connection)"
                : " (" + current + ")");
    }

    /** Takes a new driver connection; reads its auto-commit mode, the one default a reset always needs. */
    void attach(Connection opened, long now, int currentGeneration) throws SQLException {
        info.clear();
        known = AUTO_COMMIT;
        defaultAutoCommit = opened.getAutoCommit();
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

    LeakDetector.Checkout checkout() {
        return (LeakDetector.Checkout) CHECKOUT.getAcquire(this);
    }

    void beginCheckout(LeakDetector.Checkout started) {
        resetHolderState();
        CHECKOUT.setRelease(this, started);
    }

    /** Forgets what holders did to a connection that is gone: a shared entry reconnected under its holders. */
    void resetHolderState() {
        autoCommit = defaultAutoCommit;
        dirty = 0;
        statements.clear();
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

    /** Notes that a holder changed a restorable property, so that checkin restores it. */
    void changed(int property) {
        if (holders == null) {
            dirty |= property;
            return;
        }
        holders.lock.lock();
        try {
            dirty |= property;
        } finally {
            holders.lock.unlock();
        }
    }

    void endCheckout() {
        CHECKOUT.setRelease(this, null);
    }

    /**
     * A checkout takes a shared entry nobody holds; called under the holders' lock.
     *
     * @return false when the entry was discarded after the strategy chose it (dispose): the checkout must choose again
     */
    boolean claim() {
        return holders.state.compareAndSet(Holders.IDLE, Holders.HELD);
    }

    /** The last holder let go of a shared entry; called under the holders' lock, before the strategy gets it back. */
    void unclaim() {
        if (holders != null) {
            holders.state.set(Holders.IDLE);
        }
    }

    /**
     * Decides that the entry is to be discarded. A shared entry a checkout claimed after the strategy let go of it is
     * left to that checkout: its last checkin gives it back to the strategy, which discards it then.
     *
     * @return whether the caller may close the entry's connection now
     */
    boolean discarding() {
        return holders == null || holders.state.compareAndSet(Holders.IDLE, Holders.DISCARDED);
    }

    /** Remembers a property's value before the holder first changes it on this driver connection. */
    void beforeChange(int property, Connection driver) throws SQLException {
        if ((known & property) != 0) {
            return;
        }
        if (holders == null) {
            captureDefault(property, driver);
            return;
        }
        holders.lock.lock();
        try {
            if ((known & property) == 0) {
                captureDefault(property, driver);
            }
        } finally {
            holders.lock.unlock();
        }
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

    /** The holders of a shared entry. {@link #count} is guarded by {@link #lock}. */
    static final class Holders {

        static final int IDLE = 0;
        static final int HELD = 1;
        static final int DISCARDED = 2;

        final ReentrantLock lock = new ReentrantLock();
        /**
         * Whether a checkout holds the entry or the pool discarded it. Atomic rather than guarded, as discard takes no
         * lock: a strategy discards entries while the engine holds another entry's lock.
         */
        final AtomicInteger state = new AtomicInteger(IDLE);
        /** Checkouts holding the entry now: the first is the one whose checkin will reset it. */
        int count;
        /** One per holder's handle, so that a handle collected without close() still counts its holder out. */
        final List<LeakDetector.Checkout> tracked = new ArrayList<>(1);

        /** Stops tracking a holder whose handle gives the entry back itself. */
        void untrack(ConnectionHandle handle) {
            for (Iterator<LeakDetector.Checkout> it = tracked.iterator(); it.hasNext(); ) {
                if (it.next().refersTo(handle)) {
                    it.remove();
                    return;
                }
            }
        }
    }
}

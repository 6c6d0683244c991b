package org.poolkit.core;

import java.lang.ref.Reference;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every strategy shares (SQLAlchemy's {@code Pool} base): checkout, checkin, reset, recycle, pre-ping,
 * invalidation, detach, dispose, events and leak detection. The strategy only yields and takes back entries.
 *
 * <p>Thread-safe. The checkout and checkin paths take no lock, read the clock only when {@code recycle} or leak
 * detection asks for it, and allocate only the handle. (With {@code leak.detection.threshold}
 * set, each checkout also schedules its leak report on the shared timer, whose queue has a lock: a debugging aid.)
 *
 * <p>Where SQLAlchemy has a quirk we do better, and say so: counts stay exact after {@link #dispose()} (SQLAlchemy
 * resets its overflow counter with connections still out), and connections checked out at the time are closed when
 * they come back rather than pooled; a checkout tries {@value DisconnectionException#ATTEMPTS} connections before
 * giving up, as SQLAlchemy documents (its code tries two); a connection whose {@code connect} listener fails on a new
 * entry is closed (SQLAlchemy drops it open); a connection that a checkout listener invalidates is replaced before the
 * caller gets it (SQLAlchemy hands out the dead one); an exception from {@code isValid} during pre-ping counts as a
 * dead connection, not as an error for the caller; and pool invalidation is a generation counter, not a timestamp,
 * so it cannot miss a connection opened in the same clock tick. Whatever a listener throws, even an {@link Error},
 * the entry goes back to the strategy.
 *
 * <p>A shared entry (static and thread-local strategies) is held by several checkouts at once; its holders are
 * counted in one atomic word ({@link Entry.Holders}), and the last one to return it resets it. Exclusive entries never
 * touch that word.
 */
final class Engine implements Pool {

    static final Logger LOG = LoggerFactory.getLogger("org.poolkit.pool");

    private static final ResetState RETURNED = new ResetState(false, false);
    private static final ResetState LEAKED = new ResetState(false, true);
    private static final ResetState TERMINATED = new ResetState(true, false);

    private final PoolStrategyProvider provider;
    private final ConnectionCreator creator;
    private final LongSupplier clock;
    private final Listeners listeners;
    private final Connector connector;
    private final LeakDetector leaks;
    private final PoolStrategy strategy;

    // Live settings: reconfigure() replaces them while checkouts run.
    private volatile PoolSettings settings;
    private volatile Reset reset;
    private volatile boolean prePing;
    private volatile long recycleNanos;
    private final ReentrantLock reconfiguring = new ReentrantLock();

    // Every entry the strategy holds or has handed out. A checked-out entry is otherwise reachable only from its
    // handle, and a leaked handle must not take its entry, and the leak tracker, down with it.
    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
    // Connections of an older generation are replaced at their next checkout (pool invalidation, dispose).
    private final AtomicInteger generation = new AtomicInteger();
    // Connections of a generation below this are closed when checked in (dispose).
    private volatile int closeOnCheckinBelow;

    Engine(PoolStrategyProvider provider, ConnectionCreator creator, PoolSettings settings, LongSupplier clock) {
        this.provider = require("strategy", provider);
        this.creator = require("creator", creator);
        this.settings = require("settings", settings);
        this.clock = require("clock", clock);
        this.listeners = new Listeners(settings.name());
        this.connector = new Connector(settings.name(), creator, clock, listeners);
        this.reset = new Reset(settings.name(), settings.resetOnReturn(), listeners);
        this.leaks = new LeakDetector(this, settings.leakDetectionThreshold().toNanos());
        this.prePing = settings.prePing();
        this.recycleNanos = recycleNanos(settings);
        this.strategy = provider.create(new Context());
    }

    private static <T> T require(String parameter, T value) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + " must not be null");
        }
        return value;
    }

    // ---- Pool

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String strategy() {
        return provider.name();
    }

    @Override
    public PoolSettings settings() {
        return settings;
    }

    @Override
    public ProxiedConnection checkout() throws SQLException {
        leaks.reclaim();
        while (true) {
            Entry entry = (Entry) strategy.checkout();
            if (entry.holders == null) {
                return handOut(entry);
            }
            ProxiedConnection handle = handOutShared(entry);
            if (handle != null) {
                return handle;
            }
        }
    }

    /** Readies an entry that this checkout is the only one to hold, and hands out its handle. */
    private ConnectionHandle handOut(Entry entry) throws SQLException {
        boolean fresh = entry.takeFresh();
        Connection driver = entry.connection();
        String stale = driver == null || fresh ? null : staleness(entry);
        if (driver == null || stale != null) {
            if (stale != null) {
                LOG.debug("Pool '{}': {} {}; recycling", name(), entry, stale);
            }
            driver = reconnect(entry);
            fresh = true;
        }
        ConnectionHandle handle;
        try {
            handle = new ConnectionHandle(this, entry, driver);
            entry.startCheckout(leaks.track(entry));
        } catch (RuntimeException | Error e) {
            // An OutOfMemoryError, say: the entry must not stay checked out (a shared one BUSY) with nobody to return it.
            checkinFailed(entry);
            throw e;
        }
        if (prePing || !listeners.isEmpty()) {
            runCheckoutChecks(entry, handle, fresh);
        }
        handle.handedOut();
        return handle;
    }

    /**
     * A checkout of a shared entry. The first holder's checkout is a full one (recycle, pre-ping, {@code checkout}
     * listeners); a checkout that joins holders already there gets its own handle on the same connection and nothing
     * else, since the connection cannot be recycled or pinged under them. If a holder invalidated the connection, the
     * joining checkout connects the entry anew.
     *
     * @return null when dispose() discarded the entry after the strategy chose it: the checkout chooses again
     */
    private ProxiedConnection handOutShared(Entry entry) throws SQLException {
        Entry.Holders holders = entry.holders;
        while (true) {
            int state = holders.state();
            if (state > 0) {
                LeakDetector.Tracker tracker = entry.tracker();
                Object anchor = tracker.get();
                if (anchor == null) {
                    // Every holder dropped its handle unclosed; the collector has not told the leak detector yet.
                    leaks.takeBack(tracker);
                } else if (holders.join(state)) {
                    return join(entry, anchor, false);
                }
            } else if (state == Entry.Holders.IDLE) {
                if (readyAsIs(entry)) {
                    if (holders.join(state)) {
                        return join(entry, entry.lendAnchor(), true);
                    }
                } else if (holders.claim()) {
                    ConnectionHandle handle = handOut(entry);
                    holders.publish(1);
                    return handle;
                }
            } else if (state == Entry.Holders.DISCARDED) {
                return null;
            } else if (!holders.waitedForAnotherThread(state)) {
                // A listener of this entry's checkout or checkin, on the thread doing it: it would wait for itself.
                throw new SQLException("Pool '" + name() + "': a listener cannot check out the shared connection "
                        + "while its own checkout or checkin is under way", "55000");
            }
        }
    }

    /**
     * A checkout joins the holders of a shared entry, or is the first without readying it; it is counted already, and
     * leaves again if it fails.
     */
    private ConnectionHandle join(Entry entry, Object anchor, boolean first) throws SQLException {
        try {
            if (first) {
                entry.takeFresh();
                entry.startCheckout(leaks.track(entry));
            }
            Connection driver = entry.connection();
            if (driver == null) {
                driver = reconnectUnderHolders(entry);
            }
            ConnectionHandle handle = new ConnectionHandle(this, entry, driver);
            handle.joined(anchor);
            return handle;
        } catch (SQLException | RuntimeException | Error e) {
            // Counted without a handle, it would keep the entry from ever being reset or given back.
            checkin(entry, anchor);
            throw e;
        }
    }

    /** A holder invalidated the shared connection: the first joiner to get here connects anew, under the others. */
    private Connection reconnectUnderHolders(Entry entry) throws SQLException {
        ReentrantLock lock = entry.holders.lock;
        lock.lock();
        try {
            Connection driver = entry.connection();
            if (driver == null) {
                connector.connect(entry, generation.get());
                entry.fresh = false;
                driver = entry.connection();
            }
            return driver;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolStatus status() {
        leaks.reclaim();
        return strategy.status();
    }

    /** The status without taking back leaked connections first: for threads that must not do a checkin's work. */
    PoolStatus statusAsIs() {
        return strategy.status();
    }

    @Override
    public void dispose() {
        closeOnCheckinBelow = generation.incrementAndGet();
        strategy.dispose();
        LOG.info("Pool '{}' disposed its idle connections; {}", name(), strategy.status());
    }

    /**
     * Takes new settings in place, if the strategy can: {@code pool.size}, {@code max.overflow}, {@code timeout},
     * {@code use.lifo} as the strategy allows, and {@code recycle}, {@code pre.ping}, {@code reset.on.return} always.
     * Connections out now are reset by the new style when they come back. A change of name or of
     * {@code leak.detection.threshold} needs a new pool.
     *
     * @param next the new settings
     * @return false when the pool cannot work by them in place; it is then unchanged
     */
    boolean reconfigure(PoolSettings next) {
        reconfiguring.lock();
        try {
            PoolSettings current = settings;
            if (next.equals(current)) {
                return true;
            }
            if (!next.name().equals(current.name())
                    || !next.leakDetectionThreshold().equals(current.leakDetectionThreshold())
                    || !strategy.reconfigure(next)) {
                return false;
            }
            settings = next;
            reset = new Reset(next.name(), next.resetOnReturn(), listeners);
            prePing = next.prePing();
            recycleNanos = recycleNanos(next);
            LOG.info("Pool '{}' ({}) took new settings in place; {}", name(), strategy(), strategy.status());
            return true;
        } finally {
            reconfiguring.unlock();
        }
    }

    /**
     * Ends the pool's service after a swap: checkouts waiting at the strategy's limits fail at once (the swapping data
     * source sends them to the new pool), and idle connections are closed as by {@link #dispose()}.
     */
    void retire() {
        strategy.retire();
        dispose();
    }

    private static long recycleNanos(PoolSettings settings) {
        return settings.recycles() ? settings.recycle().toNanos() : -1;
    }

    @Override
    public Pool recreate() {
        Engine copy = new Engine(provider, creator, settings, clock);
        copy.listeners.addAll(listeners);
        return copy;
    }

    @Override
    public void addListener(PoolEvents listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PoolEvents listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "Pool[" + name() + ", " + strategy() + "]";
    }

    // ---- checkout

    /** @return why the entry must connect anew before it is handed out, or null if it need not */
    private String staleness(Entry entry) {
        if (entry.generation < generation.get()) {
            return "is older than the last pool invalidation";
        }
        if (entry.isSoftInvalidated()) {
            return "was soft-invalidated";
        }
        if (recycleNanos >= 0 && clock.getAsLong() - entry.connectedAt > recycleNanos) {
            return "exceeded recycle age";
        }
        return null;
    }

    /**
     * Whether a first checkout of a shared entry has nothing to do but hand out its connection: no reconnect, no
     * pre-ping, no listener. It then takes the entry without making it {@code BUSY}, so other checkouts join at once.
     */
    private boolean readyAsIs(Entry entry) {
        return !prePing && listeners.isEmpty() && entry.connection() != null
                && (entry.fresh || staleness(entry) == null);
    }

    /** Replaces the entry's connection; if that fails the entry goes back to the strategy empty. */
    private Connection reconnect(Entry entry) throws SQLException {
        Connection old = entry.release();
        if (old != null) {
            connector.close(entry, old);
        }
        try {
            connector.connect(entry, generation.get());
        } catch (SQLException | RuntimeException | Error e) {
            checkinFailed(entry);
            throw e;
        }
        // This checkout uses the new connection: only the next one may treat it as fresh from the pool.
        entry.fresh = false;
        return entry.connection();
    }

    /**
     * Pre-ping and the {@code checkout} listeners. A {@link DisconnectionException} replaces the connection and
     * starts over, up to {@value DisconnectionException#ATTEMPTS} attempts; any other failure invalidates the
     * connection, returns the entry and reaches the caller. A connection that is gone by the end (a listener
     * invalidated it, or a driver error through the proxy did) counts as reported disconnected.
     */
    private void runCheckoutChecks(Entry entry, ConnectionHandle handle, boolean fresh) throws SQLException {
        boolean skipPing = fresh;
        for (int attempt = 1; ; attempt++) {
            Connection driver = entry.connection();
            try {
                if (prePing && !skipPing) {
                    ping(driver);
                }
                listeners.checkout(driver, entry, handle);
                if (driver == null || entry.connection() != driver) {
                    throw new DisconnectionException("Pool '" + name() + "': the connection was invalidated during "
                            + "its checkout");
                }
                return;
            } catch (DisconnectionException e) {
                if (e.invalidatesPool()) {
                    invalidatePool(entry);
                }
                entry.invalidate(e);
                if (attempt == DisconnectionException.ATTEMPTS) {
                    checkinFailed(entry);
                    throw new SQLNonTransientConnectionException("Pool '" + name() + "': no working connection after "
                            + attempt + " attempts; the last was reported disconnected: " + e.getMessage(), "08001",
                            e);
                }
                reconnect(entry);
                handle.rebind(entry.connection());
                skipPing = true;
            } catch (SQLException | RuntimeException | Error e) {
                entry.invalidate(e);
                checkinFailed(entry);
                throw e;
            }
        }
    }

    private void ping(Connection driver) throws DisconnectionException {
        if (driver == null) {
            throw new DisconnectionException("Pool '" + name() + "': the connection was invalidated before its ping");
        }
        boolean valid;
        try {
            valid = driver.isValid(pingTimeoutSeconds());
        } catch (SQLException e) {
            boolean serverWentAway = Disconnects.classify(e) != Disconnects.Verdict.CONNECTION;
            throw new DisconnectionException("Pool '" + name() + "': pre-ping failed", serverWentAway, e);
        }
        if (!valid) {
            throw new DisconnectionException("Pool '" + name() + "': pre-ping found the connection dead", true, null);
        }
    }

    private int pingTimeoutSeconds() {
        // isValid(0) would wait forever; wait no longer than a checkout may.
        long seconds = settings.timeout().toSeconds();
        return (int) Math.max(1, Math.min(seconds, 30));
    }

    /** Gives back an entry whose checkout failed; its connection has already been dealt with. */
    private void checkinFailed(Entry entry) {
        try {
            endCheckout(entry);
            if (!listeners.isEmpty()) {
                listeners.checkin(entry.connection(), entry);
            }
        } finally {
            giveBack(entry);
        }
    }

    /**
     * The one place the holder state is forgotten, before the strategy can hand the entry on: statements left with a
     * detached or invalidated connection are dropped unclosed, and a shared entry's next first holder may take it
     * without readying it.
     */
    private void giveBack(Entry entry) {
        entry.resetHolderState();
        entry.unclaim();
        strategy.checkin(entry);
    }

    private void endCheckout(Entry entry) {
        LeakDetector.Checkout checkout = entry.checkout();
        if (checkout != null) {
            entry.endCheckout();
            leaks.end(checkout);
        }
    }

    // ---- checkin and the handle's other exits

    /**
     * Resets the entry and gives it back to the strategy; for a shared entry, only when this was its last holder, who
     * gives the entry its anchor back. Whatever a listener or driver throws — an {@link AssertionError} from a test's
     * listener, say — the entry still goes back, invalidated if its reset did not finish, and the throwable then
     * reaches the holder's {@code close()}.
     *
     * @param anchor the leak-detection anchor the holder's handle had: kept reachable until this holder is counted
     *               out, so that the leak detector cannot take the entry from the holders still counted meanwhile
     */
    void checkin(Entry entry, Object anchor) {
        Entry.Holders holders = entry.holders;
        if (holders == null) {
            returnEntry(entry, false);
            return;
        }
        try {
            if (holders.leave()) {
                entry.returnAnchor(anchor);
                returnEntry(entry, false);
            }
        } finally {
            Reference.reachabilityFence(anchor);
        }
    }

    private void returnEntry(Entry entry, boolean leaked) {
        int disposedBelow = closeOnCheckinBelow;
        boolean resetDone = false;
        try {
            Connection driver = entry.connection();
            if (driver != null) {
                reset.returned(entry, driver, leaked ? LEAKED : RETURNED);
            }
            resetDone = true;
            endCheckout(entry);
            Connection after = entry.connection();
            if (!listeners.isEmpty()) {
                listeners.checkin(after, entry);
            }
            if (after != null && entry.generation < disposedBelow) {
                Connection released = entry.release();
                if (released != null) {
                    connector.close(entry, released);
                }
            }
        } finally {
            if (!resetDone) {
                entry.invalidate(null);
                endCheckout(entry);
            }
            giveBack(entry);
        }
        if (closeOnCheckinBelow != disposedBelow) {
            // dispose() ran while this entry was on its way back and may have drained the pool before it arrived.
            strategy.dispose();
        }
    }

    void checkinLeaked(Entry entry) {
        returnEntry(entry, true);
    }

    /**
     * Takes a shared entry back from its holders, who all dropped their handles unclosed (the anchor they shared was
     * collected), and resets it as a leaked connection. Does nothing when the entry was taken back already and armed
     * anew, by the leak detector or by a checkout that found the anchor gone first.
     */
    void checkinLeakedShared(Entry entry, LeakDetector.Tracker tracker) {
        Entry.Holders holders = entry.holders;
        int counted = holders.seize();
        if (counted == 0) {
            return;
        }
        if (entry.tracker() != tracker) {
            holders.publish(counted);
            return;
        }
        LeakDetector.Checkout checkout = entry.checkout();
        leaks.arm(entry);
        leaks.warnLeaked(checkout);
        returnEntry(entry, true);
    }

    /**
     * @param anchor the holder's leak-detection anchor: the entry takes it back before it goes back to the pool, and
     *               not when detach is refused, as the other holders' entry must not keep it reachable for them
     * @return false when the entry's connection was invalidated meanwhile: there is nothing left to detach
     * @throws SQLException when other checkouts share the connection: it cannot leave the pool under them
     */
    boolean detach(Entry entry, Connection driver, Object anchor) throws SQLException {
        Entry.Holders holders = entry.holders;
        if (holders == null) {
            entry.returnAnchor(anchor);
            return detachOwned(entry, driver);
        }
        if (!holders.takeSole()) {
            throw new SQLException("Pool '" + name() + "': a connection that " + (holders.state() - 1)
                    + " other checkout(s) share cannot be detached", "55000");
        }
        entry.returnAnchor(anchor);
        boolean detached = detachOwned(entry, driver);
        if (!detached) {
            holders.publish(1);
        }
        return detached;
    }

    private boolean detachOwned(Entry entry, Connection driver) {
        if (entry.connection() != driver || entry.release() != driver) {
            return false;
        }
        connector.forget();
        try {
            endCheckout(entry);
            if (!listeners.isEmpty()) {
                listeners.detach(driver, entry);
            }
        } finally {
            giveBack(entry);
        }
        return true;
    }

    void closeDetached(Connection driver) {
        reset.detached(driver, TERMINATED);
        if (!listeners.isEmpty()) {
            listeners.closeDetached(driver);
        }
        connector.closeQuietly(driver);
    }

    /**
     * A driver error said the held connection is dead: replace it, and every older one too when the server went away
     * ({@link Disconnects}), and take the entry back.
     */
    void disconnected(Entry entry, Object anchor, SQLException cause, boolean serverWentAway) {
        try {
            disconnectedDuringCheckout(entry, cause, serverWentAway);
        } finally {
            checkin(entry, anchor);
        }
    }

    /** As {@link #disconnected}, but the checkout in progress keeps the entry and deals with it. */
    void disconnectedDuringCheckout(Entry entry, SQLException cause, boolean serverWentAway) {
        LOG.debug("Pool '{}': {} reported a disconnect (SQLState {}, error code {}, server went away: {})", name(),
                entry, cause.getSQLState(), cause.getErrorCode(), serverWentAway);
        if (serverWentAway) {
            invalidatePool(entry);
        }
        entry.invalidate(cause);
    }

    // ---- invalidation, called by Entry

    void invalidated(Entry entry, Connection driver, Throwable reason) {
        LOG.debug("Pool '{}': invalidating {} (reason: {})", name(), driver, reason);
        if (!listeners.isEmpty()) {
            listeners.invalidate(driver, entry, reason);
        }
        connector.close(entry, driver);
    }

    void softInvalidated(Entry entry, Connection driver, Throwable reason) {
        LOG.debug("Pool '{}': soft-invalidating {} (reason: {})", name(), driver, reason);
        if (!listeners.isEmpty()) {
            listeners.softInvalidate(driver, entry, reason);
        }
    }

    /** Marks every connection as old as the entry's for replacement, unless a later invalidation already has. */
    private void invalidatePool(Entry entry) {
        int seen = entry.generation;
        if (generation.compareAndSet(seen, seen + 1)) {
            LOG.debug("Pool '{}': invalidated every connection opened before now", name());
        }
    }

    /** What the strategy may ask of the engine. */
    private final class Context implements PoolContext {

        @Override
        public String poolName() {
            return name();
        }

        @Override
        public PoolSettings settings() {
            return settings;
        }

        @Override
        public PoolEntry newEntry() throws SQLException {
            return connected(new Entry(Engine.this, false));
        }

        @Override
        public PoolEntry newSharedEntry() throws SQLException {
            return connected(new Entry(Engine.this, true));
        }

        private Entry connected(Entry entry) throws SQLException {
            leaks.arm(entry);
            connector.connect(entry, generation.get());
            entries.add(entry);
            return entry;
        }

        @Override
        public void discard(PoolEntry entry) {
            Entry owned = (Entry) entry;
            if (!owned.discarding()) {
                return;
            }
            entries.remove(owned);
            Connection driver = owned.release();
            if (driver != null) {
                connector.close(owned, driver);
            }
        }

        @Override
        public int openConnections() {
            return connector.open();
        }

        @Override
        public long nanoTime() {
            return clock.getAsLong();
        }
    }
}

package org.poolkit.api.spi;

import java.sql.SQLException;

import org.osgi.annotation.versioning.ProviderType;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolSettings;

/**
 * What the engine gives a strategy: its settings, and the way to make and drop entries. Thread-safe.
 */
@ProviderType
public interface PoolContext {

    /** @return the pool's name, for messages */
    String poolName();

    /** @return the pool's settings */
    PoolSettings settings();

    /**
     * Makes a new entry and connects it now, on the calling thread. Call it holding no lock that other checkouts
     * wait on.
     *
     * @return the new entry, connected
     * @throws SQLException the creator's or a connect listener's error; nothing is left open
     */
    PoolEntry newEntry() throws SQLException;

    /**
     * Makes a new entry that several checkouts may hold at once, and connects it now, on the calling thread. The
     * strategy may yield it from {@link PoolStrategy#checkout()} while it is checked out: that checkout then joins
     * the holders and gets its own handle on the same driver connection. The engine counts the holders, and only
     * the last one's {@code close()} resets the connection, fires {@code checkin} and gives the entry back through
     * {@link PoolStrategy#checkin}; a checkout that joins gets no recycle, pre-ping or {@code checkout} event, which
     * would act on a connection others are using. For strategies that share a connection on purpose (static) or
     * hand a thread's connection to its nested checkouts (thread-local).
     *
     * @return the new entry, connected
     * @throws SQLException the creator's or a connect listener's error; nothing is left open
     * @since 1.1
     */
    PoolEntry newSharedEntry() throws SQLException;

    /**
     * Closes the entry's connection, if any (firing {@code close}), and forgets the entry. The strategy must
     * not hand it out again. A shared entry that a checkout took after the strategy chose to discard it (a checkout
     * racing {@link PoolStrategy#dispose()}) is left to its holders: it comes back through
     * {@link PoolStrategy#checkin} when the last of them returns it, and the strategy discards it then.
     *
     * @param entry an entry that is not checked out
     */
    void discard(PoolEntry entry);

    /** @return the driver connections the pool has open now */
    int openConnections();

    /**
     * The pool's clock. Strategies measure their waits by it rather than by {@link System#nanoTime()}, so that tests
     * can move time by hand; a waiting thread still parks in real time and must re-read the clock when it wakes.
     *
     * @return a monotonic time in nanoseconds
     */
    long nanoTime();
}

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.assertSlotBackAndEverySlotReachable;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.disconnect;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;
import static org.poolkit.queuepool.internal.QueuePoolFixture.stub;
import static org.poolkit.queuepool.internal.QueuePoolFixture.useOnce;

import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Recycle, invalidation and reconnect on a queue pool (SQLAlchemy behaviours 26–30, 32, 33). Connection ages are
 * measured on a {@link FakeClock}, so nothing here sleeps.
 */
class QueuePoolRecycleTest {

    private static final Duration RECYCLE = Duration.ofSeconds(30);

    private final StubDriver driver = new StubDriver();
    private final FakeClock clock = new FakeClock(Duration.ofSeconds(10_000).toNanos());
    private final Pool pool = queuePool(driver, settings(1, 0).withRecycle(RECYCLE), clock);

    @Test
    void connectionOlderThanRecycleIsReplacedAtItsNextCheckout() throws SQLException {
        StubConnection first = useOnce(pool);

        clock.advance(Duration.ofSeconds(1));
        assertSame(first, useOnce(pool));
        clock.advance(Duration.ofSeconds(34));
        StubConnection replacement = useOnce(pool);

        assertEquals(2, replacement.id());
        assertEquals(1, first.closes());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    @Test
    void recycleReplacesOnlyConnectionsStrictlyOlderThanTheRecycleAge() throws SQLException {
        StubConnection first = useOnce(pool);

        clock.advance(RECYCLE);
        assertSame(first, useOnce(pool), "exactly the recycle age is not too old");
        clock.advance(Duration.ofNanos(1));
        assertEquals(2, useOnce(pool).id());
    }

    @Test
    void poolInvalidationTakesTheHeldConnectionAtOnceAndTheNextCheckoutGetsANewOne() throws SQLException {
        ProxiedConnection handle = pool.checkout();
        PoolEntry entry = handle.entry();
        StubConnection old = stub(handle);

        disconnect(handle);

        assertNull(entry.connection());
        assertTrue(old.isPhysicallyClosed());
        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry(), "the same entry, connected anew");
            assertEquals(2, id(next));
        }
    }

    @Test
    void softInvalidatedConnectionStaysUsableAndIsReplacedOnTheSameEntryAtTheNextCheckout() throws SQLException {
        ProxiedConnection handle = pool.checkout();
        PoolEntry entry = handle.entry();
        StubConnection old = stub(handle);

        handle.softInvalidate(null);
        assertSame(old, entry.connection());
        assertTrue(handle.isValid(1), "still usable until returned");
        handle.close();
        assertFalse(old.isPhysicallyClosed(), "returned as usual");

        try (ProxiedConnection next = pool.checkout()) {
            assertSame(entry, next.entry());
            assertEquals(2, id(next));
        }
        assertEquals(1, old.closes());
    }

    @Test
    void invalidatedConnectionIsClosedOnceAndItsReplacementIsPooledNotClosed() throws SQLException {
        ProxiedConnection c1 = pool.checkout();
        StubConnection old = stub(c1);

        c1.invalidate();
        assertTrue(c1.isInvalidated());
        assertNull(c1.entry());
        assertEquals(1, old.closes());

        ProxiedConnection c2 = pool.checkout();
        StubConnection replacement = stub(c2);
        assertEquals(2, replacement.id());
        c2.close();
        assertEquals(0, replacement.closes());
        assertEquals(1, old.closes());
        assertEquals(counts(1, 1, 0, 0), counts(pool));
    }

    /** Why the one idle connection must connect anew at its next checkout. */
    enum Staleness {
        INVALIDATED {
            @Override
            void leaveIdle(ProxiedConnection handle, FakeClock clock) {
                handle.invalidate();
            }
        },
        SOFT_INVALIDATED {
            @Override
            void leaveIdle(ProxiedConnection handle, FakeClock clock) throws SQLException {
                handle.softInvalidate(null);
                handle.close();
            }
        },
        POOL_INVALIDATED {
            @Override
            void leaveIdle(ProxiedConnection handle, FakeClock clock) throws SQLException {
                disconnect(handle);
            }
        },
        RECYCLE_EXPIRED {
            @Override
            void leaveIdle(ProxiedConnection handle, FakeClock clock) throws SQLException {
                handle.close();
                clock.advance(RECYCLE.plusSeconds(1));
            }
        };

        abstract void leaveIdle(ProxiedConnection handle, FakeClock clock) throws SQLException;
    }

    /**
     * SQLAlchemy's {@code test_error_on_pooled_reconnect_cleanup_invalidate} and {@code ..._recycle}: the pooled
     * connection cannot reconnect. The creator's error reaches the caller, the entry goes back to the pool, the counts
     * are as before, and once the database is back every slot up to the limit can be checked out without waiting.
     */
    @ParameterizedTest
    @EnumSource(Staleness.class)
    void failedReconnectOfAPooledEntryReturnsItsSlotAndLaterCheckoutsDoNotHang(Staleness staleness)
            throws SQLException {
        // A short timeout turns a lost slot into a failure instead of a hang.
        Pool overflowing = queuePool(driver,
                settings(1, 2).withRecycle(RECYCLE).withTimeout(Duration.ofSeconds(1)), clock);
        staleness.leaveIdle(overflowing.checkout(), clock);
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);

        assertSame(down, assertThrows(SQLException.class, overflowing::checkout));

        assertSlotBackAndEverySlotReachable(overflowing, driver);
    }
}

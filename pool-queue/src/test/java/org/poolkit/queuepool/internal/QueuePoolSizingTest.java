package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.poolkit.queuepool.internal.QueuePoolFixture.BOUND;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.closeAll;
import static org.poolkit.queuepool.internal.QueuePoolFixture.counts;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.PoolTimeoutException;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.queuepool.internal.QueuePoolFixture.Counts;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/** SQLAlchemy's QueuePool sizing and overflow accounting (behaviours 8–11, 17–19), and the status line. */
class QueuePoolSizingTest {

    private final StubDriver driver = new StubDriver();

    @Test
    void eachCheckoutBeyondThePoolSizeRaisesTheOverflowByOne() throws SQLException {
        Pool pool = queuePool(driver, settings(3, -1));
        List<Counts> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pool.checkout();
            seen.add(counts(pool));
        }
        assertEquals(List.of(counts(3, 0, -2, 1), counts(3, 0, -1, 2), counts(3, 0, 0, 3), counts(3, 0, 1, 4),
                counts(3, 0, 2, 5), counts(3, 0, 3, 6)), seen);
    }

    @Test
    void returnedConnectionsFillThePoolAndTheSurplusIsClosed() throws SQLException {
        returnOneByOne(Release.CLOSE, 0);
        assertEquals(3, driver.closed(), "the three returned to a full pool were closed");
    }

    /**
     * SQLAlchemy's {@code test_queuepool_del}: handles dropped without {@code close()} come back through the garbage
     * collector with the same counts. {@link org.poolkit.api.ProxiedConnection} promises this whether or not leak
     * detection is on.
     */
    @ParameterizedTest(name = "leak.detection.threshold {0} ms")
    @ValueSource(longs = {0, 3_600_000})
    void connectionsDroppedWithoutCloseComeBackWithTheSameCounts(long leakDetectionMillis) throws SQLException {
        returnOneByOne(Release.DROP, leakDetectionMillis);
    }

    /** Behaviour 11: the pool keeps the timeout it was given, and its timeout error says so. */
    @Test
    void timeoutIsTheConfiguredOne() throws SQLException {
        Pool pool = queuePool(driver, settings(1, 0).withTimeout(Duration.ofSeconds(123)));
        Pool atOnce = queuePool(driver, settings(1, 0).withTimeout(Duration.ZERO));
        pool.checkout();
        atOnce.checkout();

        assertEquals(Duration.ofSeconds(123), pool.settings().timeout());
        assertTrue(assertThrows(PoolTimeoutException.class, atOnce::checkout).getMessage()
                .contains("timeout 0.00"), "the error names the pool's own timeout");
    }

    @Test
    void statusLineIsSqlAlchemysWordForWord() throws SQLException {
        Pool fresh = queuePool(driver, settings(5, 10));
        assertEquals("Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0",
                fresh.status().summary());

        Pool pool = queuePool(driver, settings(3, 10));
        pool.checkout();
        PoolStatus status = pool.status();
        assertEquals("Pool size: 3  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 1",
                status.summary());
        assertEquals(status.summary(), status.toString());
        assertEquals("queue", status.strategy());
        assertEquals("queue-test", status.pool());
    }

    @ParameterizedTest(name = "max.overflow {0}")
    @ValueSource(ints = {42, 0, -1, 1})
    void poolSizeZeroHasNoLimitAndReportsNoOverflow(int maxOverflow) throws SQLException {
        Pool pool = queuePool(driver, settings(0, maxOverflow).withTimeout(Duration.ZERO));
        assertEquals(0, pool.status().overflow());

        List<ProxiedConnection> held = checkout(pool, 50);

        assertEquals(counts(0, 0, 0, 50), counts(pool));
        closeAll(held);
        assertEquals(counts(0, 50, 0, 0), counts(pool));
    }

    @Test
    void poolSizeZeroKeepsEveryReturnedConnectionAndNeverWaits() throws SQLException {
        // Timeout zero: any checkout that had to wait would fail at once.
        Pool pool = queuePool(driver, settings(0, 0).withTimeout(Duration.ZERO));

        closeAll(checkout(pool, 20));
        assertEquals(counts(0, 20, 0, 0), counts(pool));
        closeAll(checkout(pool, 20));

        assertEquals(counts(0, 20, 0, 0), counts(pool));
        assertEquals(20, driver.opened(), "the second round reused the kept connections");
        assertEquals(0, driver.closed());
        assertEquals(20, pool.status().open());
    }

    @Test
    void roundsOfCheckingOutBeyondThePoolSizeCloseOnlyTheSurplusEachOnce() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 2));

        for (int round = 0; round < 5; round++) {
            closeAll(checkout(pool, 4));
        }

        List<Long> closes = driver.connections().stream().map(StubConnection::closes).toList();
        assertEquals(12, closes.size(), "connections opened");
        assertEquals(10, closes.stream().filter(n -> n == 1).count(), "connections closed exactly once");
        assertEquals(2, closes.stream().filter(n -> n == 0).count(), "connections kept open");
        assertEquals(counts(2, 2, 0, 0), counts(pool));
    }

    @Test
    void aFailedConnectLeavesTheOverflowAsItWas() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 3));
        checkout(pool, 3);
        assertEquals(counts(2, 0, 1, 3), counts(pool));
        SQLException down = new SQLException("database is down", "08001");
        driver.failConnect(down);

        assertSame(down, assertThrows(SQLException.class, pool::checkout), "the creator's own error");

        assertEquals(counts(2, 0, 1, 3), counts(pool));
        driver.failConnect(null);
        pool.checkout();
        assertEquals(counts(2, 0, 2, 4), counts(pool));
    }

    @Test
    void openCountIsTheDriversOpenConnectionsThroughGrowthSurplusAndInvalidation() throws SQLException {
        Pool pool = queuePool(driver, settings(2, 2));
        List<ProxiedConnection> held = checkout(pool, 4);
        assertOpenMatchesDriver(pool, 4);

        held.get(0).invalidate();
        assertOpenMatchesDriver(pool, 3);
        closeAll(held.subList(1, 4));
        assertOpenMatchesDriver(pool, 1);

        pool.checkout();
        assertOpenMatchesDriver(pool, 2);
        pool.dispose();
        assertOpenMatchesDriver(pool, 1);
    }

    private void assertOpenMatchesDriver(Pool pool, long expected) {
        assertEquals(expected, driver.open());
        assertEquals(driver.open(), pool.status().open(), () -> "status " + pool.status() + ", " + driver);
    }

    /**
     * SQLAlchemy's {@code test_queuepool_close} and {@code test_queuepool_del} after six checkouts on pool.size 3
     * without an overflow limit: returns c4, c3, c2, then c1, c5, c6, then checks out two and returns one.
     */
    private void returnOneByOne(Release release, long leakDetectionMillis) throws SQLException {
        Pool pool = queuePool(driver,
                settings(3, -1).withLeakDetectionThreshold(Duration.ofMillis(leakDetectionMillis)));
        List<ProxiedConnection> held = checkout(pool, 6);

        release.release(held, 3, 2, 1);
        release.expect(pool, counts(3, 3, 3, 3));
        release.release(held, 0, 4, 5);
        release.expect(pool, counts(3, 3, 0, 0));
        held.add(pool.checkout());
        held.add(pool.checkout());
        assertEquals(counts(3, 1, 0, 2), counts(pool));
        release.release(held, 7);
        release.expect(pool, counts(3, 2, 0, 1));
    }

    /** How a test gives connections back. */
    private enum Release {

        /** {@code close()}: the counts change at once. */
        CLOSE {
            @Override
            void release(List<ProxiedConnection> held, int... indexes) throws SQLException {
                for (int index : indexes) {
                    held.set(index, null).close();
                }
            }

            @Override
            void expect(Pool pool, Counts expected) {
                assertEquals(expected, counts(pool));
            }
        },

        /** Dropping the last reference: the counts change once the collector has found the handles. */
        DROP {
            @Override
            void release(List<ProxiedConnection> held, int... indexes) {
                for (int index : indexes) {
                    held.set(index, null);
                }
            }

            @Override
            void expect(Pool pool, Counts expected) {
                long deadline = System.nanoTime() + BOUND.toNanos();
                Counts seen = counts(pool);
                while (!seen.equals(expected)) {
                    if (System.nanoTime() - deadline > 0) {
                        fail("after " + BOUND.toSeconds() + " s of garbage collection the pool still shows " + seen
                                + ", expected " + expected + " once the dropped handles were taken back");
                    }
                    System.gc();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    seen = counts(pool);
                }
            }
        };

        abstract void release(List<ProxiedConnection> held, int... indexes) throws SQLException;

        abstract void expect(Pool pool, Counts expected);
    }
}

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.poolkit.queuepool.internal.QueuePoolFixture.checkout;
import static org.poolkit.queuepool.internal.QueuePoolFixture.closeAll;
import static org.poolkit.queuepool.internal.QueuePoolFixture.id;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.poolkit.api.Pool;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.StubDriver;

/**
 * Which idle connection a checkout gets (SQLAlchemy's {@code test_lifo} and {@code test_fifo}, behaviours 24 and
 * 25), on a bounded pool and on pool.size 0. Connections are named by their driver ids: c1, c2, c3 are 1, 2, 3.
 */
class QueuePoolOrderTest {

    private final StubDriver driver = new StubDriver();
    private final List<Integer> handedOut = new ArrayList<>();

    @ParameterizedTest(name = "pool.size {0}")
    @ValueSource(ints = {5, 0})
    void lifoHandsOutTheMostRecentlyReturnedConnectionFirst(int poolSize) throws SQLException {
        Pool pool = queuePool(driver, settings(poolSize, 10).withUseLifo(true));
        closeAll(checkout(pool, 3));
        List<Integer> expected = new ArrayList<>();

        for (int round = 0; round < 5; round++) {
            sqlAlchemysMoves(pool);
            expected.addAll(List.of(3, 3, 2, 2, 1));
        }

        assertEquals(expected, handedOut);
        assertEquals(3, driver.opened());
    }

    @ParameterizedTest(name = "pool.size {0}")
    @ValueSource(ints = {5, 0})
    void fifoHandsOutTheLongestIdleConnectionFirst(int poolSize) throws SQLException {
        Pool pool = queuePool(driver, settings(poolSize, 10));
        closeAll(checkout(pool, 3));

        sqlAlchemysMoves(pool);

        assertEquals(List.of(1, 2, 3, 1, 3), handedOut);
        assertEquals(3, driver.opened());
    }

    /** The checkouts and returns of SQLAlchemy's {@code test_lifo} and {@code test_fifo}, noting what each got. */
    private void sqlAlchemysMoves(Pool pool) throws SQLException {
        ProxiedConnection pc1 = take(pool);
        pc1.close();
        pc1 = take(pool);
        ProxiedConnection pc2 = take(pool);
        pc2.close();
        ProxiedConnection pc3 = take(pool);
        pc2 = take(pool);
        closeAll(List.of(pc2, pc3, pc1));
    }

    private ProxiedConnection take(Pool pool) throws SQLException {
        ProxiedConnection handle = pool.checkout();
        handedOut.add(id(handle));
        return handle;
    }
}

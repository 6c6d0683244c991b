package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.StubDriver;

/** {@link PoolDataSource}: a {@link DataSource} whose connections are the pool's checkouts. */
class PoolDataSourceTest {

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver);
    private final PoolDataSource dataSource = new PoolDataSource(pool);

    @Test
    void getConnectionChecksOutAndCloseChecksIn() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertInstanceOf(ProxiedConnection.class, connection);
            assertCounts(pool, driver, 0, 1);
        }
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void getConnectionWithCredentialsIsNotSupported() {
        assertThrows(SQLFeatureNotSupportedException.class, () -> dataSource.getConnection("user", "secret"));
        assertEquals(0, driver.connectAttempts());
    }

    @Test
    void unwrapsToItselfAndToThePool() throws SQLException {
        assertSame(dataSource, dataSource.unwrap(DataSource.class));
        assertSame(pool, dataSource.unwrap(Pool.class));
        assertTrue(dataSource.isWrapperFor(Pool.class));
        assertSame(pool, dataSource.pool());
    }

    @Test
    void unwrapToAnythingElseFails() {
        assertThrows(SQLException.class, () -> dataSource.unwrap(StubDriver.class));
        assertFalse(dataSource.isWrapperFor(StubDriver.class));
    }

    @Test
    void nullPoolIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PoolDataSource(null));
    }
}

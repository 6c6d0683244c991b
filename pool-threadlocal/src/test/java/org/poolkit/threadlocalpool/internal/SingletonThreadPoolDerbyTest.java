package org.poolkit.threadlocalpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;

/**
 * The {@code threadlocal} strategy on embedded Derby: code further down the call stack that checks out again joins
 * the outer transaction, another thread does not see it, and the outermost close rolls it back.
 */
class SingletonThreadPoolDerbyTest {

    private final String url = "jdbc:derby:memory:poolkit-threadlocal-" + UUID.randomUUID();
    private Pool pool;

    @BeforeEach
    void createDatabase() throws SQLException {
        try (Connection setup = DriverManager.getConnection(url + ";create=true");
                Statement statement = setup.createStatement()) {
            statement.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', '2')");
            statement.execute("CREATE TABLE items (id INT)");
        }
        pool = Pools.create(SingletonThreadPoolProvider.NAME, entry -> DriverManager.getConnection(url),
                PoolSettings.defaults().withName("threadlocal-derby").withPoolSize(2));
    }

    @AfterEach
    void dropDatabase() {
        pool.dispose();
        SQLException dropped = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + ";drop=true"));
        assertEquals("08006", dropped.getSQLState());
    }

    @Test
    void aNestedCheckoutJoinsTheOuterTransactionAndTheOutermostCloseRollsItBack() throws Exception {
        try (ProxiedConnection outer = pool.checkout()) {
            outer.setAutoCommit(false);
            try (Statement statement = outer.createStatement()) {
                statement.execute("INSERT INTO items VALUES (1)");
            }
            try (ProxiedConnection nested = pool.checkout()) {
                assertEquals(1, count(nested), "the nested checkout sees the outer transaction's row");
            }
            Connection outerDriver = outer.entry().connection();
            Connection otherDriver = CompletableFuture.supplyAsync(() -> {
                try (ProxiedConnection other = pool.checkout()) {
                    return other.entry().connection();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            assertNotSame(outerDriver, otherDriver, "another thread has a connection of its own");
            assertEquals(1, count(outer), "the nested close did not end the transaction");
        }
        try (ProxiedConnection after = pool.checkout()) {
            assertEquals(0, count(after), "the outermost close rolled back");
            assertTrue(after.getAutoCommit());
        }
    }

    private static int count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM items")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}

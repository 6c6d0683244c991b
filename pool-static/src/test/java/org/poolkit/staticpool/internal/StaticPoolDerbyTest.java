package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.Pools;

/**
 * The use case of the {@code static} strategy on embedded Derby: state that lives exactly as long as one
 * connection — here a declared temporary table, which Derby drops when its connection closes, as an in-memory SQLite
 * or H2 database vanishes with its last connection — outlives every {@code close()} of the pool's handles.
 */
class StaticPoolDerbyTest {

    private final String url = "jdbc:derby:memory:poolkit-static-" + UUID.randomUUID();
    private Pool pool;

    @AfterEach
    void dropDatabase() {
        if (pool != null) {
            pool.dispose();
        }
        SQLException dropped = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + ";drop=true"));
        assertEquals("08006", dropped.getSQLState());
    }

    @Test
    void connectionScopedStateOutlivesEveryClose() throws SQLException {
        pool = Pools.create(StaticPoolProvider.NAME, entry -> DriverManager.getConnection(url + ";create=true"),
                PoolSettings.defaults().withName("static-derby"));

        try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement()) {
            statement.execute("DECLARE GLOBAL TEMPORARY TABLE SESSION.scratch (id INT) ON COMMIT PRESERVE ROWS "
                    + "NOT LOGGED");
            statement.execute("INSERT INTO SESSION.scratch VALUES (1), (2)");
        }
        try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM SESSION.scratch")) {
            assertTrue(rows.next());
            assertEquals(2, rows.getInt(1), "the connection's temporary table survived the first close()");
        }
        assertEquals(1, pool.status().open());
    }

    @Test
    void concurrentHoldersSeeEachOthersUncommittedWorkAndTheLastCloseRollsItBack() throws SQLException {
        pool = Pools.create(StaticPoolProvider.NAME, entry -> DriverManager.getConnection(url + ";create=true"),
                PoolSettings.defaults().withName("static-derby"));
        try (ProxiedConnection handle = pool.checkout(); Statement statement = handle.createStatement()) {
            statement.execute("CREATE TABLE items (id INT)");
        }
        ProxiedConnection writer = pool.checkout();
        writer.setAutoCommit(false);
        try (Statement statement = writer.createStatement()) {
            statement.execute("INSERT INTO items VALUES (1)");
        }
        ProxiedConnection reader = pool.checkout();
        assertEquals(1, count(reader), "one connection, one transaction");
        reader.close();
        assertEquals(1, count(writer), "the reader's close did not roll the writer back");
        writer.close();

        try (ProxiedConnection handle = pool.checkout()) {
            assertEquals(0, count(handle), "the last close rolled back");
            assertTrue(handle.getAutoCommit(), "and restored auto-commit");
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

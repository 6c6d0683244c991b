package org.poolkit.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.poolkit.benchmarks.driver.LeanDataSource;

/** Every contender the benchmarks build works over the lean driver, and pools what it should. */
class ContendersTest {

    @ParameterizedTest
    @ValueSource(strings = {"queue", "static", "threadlocal", "hikari", "agroal", "dbcp2", "tomcat", "vibur", "c3p0"})
    void poolsReuseTheirConnectionsThroughBothCycles(String pool) throws Exception {
        // One connection: pools that fill in the background cannot open a second one behind the count's back.
        DataSource dataSource = Contenders.open(pool, 1);
        try {
            cycle(dataSource);
            long opened = LeanDataSource.connects();
            for (int i = 0; i < 50; i++) {
                cycle(dataSource);
            }
            assertEquals(opened, LeanDataSource.connects(), pool + " opened connections instead of reusing them");
        } finally {
            Contenders.close(dataSource);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unpooled", "null"})
    void theFloorAndNullPoolConnectEveryTime(String pool) throws Exception {
        DataSource dataSource = Contenders.open(pool, 1);
        try {
            long before = LeanDataSource.connects();
            cycle(dataSource);
            assertEquals(before + 1, LeanDataSource.connects());
        } finally {
            Contenders.close(dataSource);
        }
    }

    private static void cycle(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT 1");
                ResultSet rows = statement.executeQuery()) {
            assertFalse(connection.isClosed());
            assertTrue(rows.next());
            assertFalse(rows.next(), "the lean result set has one row");
        }
    }
}

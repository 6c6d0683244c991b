package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.PoolConfig;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubDriver;

/**
 * Every pool property of the design's configuration table given wrong values — negative, zero where meaningless,
 * huge, non-numeric, empty, unknown names — read as configuration is read ({@link PoolConfig}) and made into a pool
 * ({@link Pools}): each either works as documented or fails with a message naming the property and the value. The
 * data source's own properties (url, user, password, driver) belong to pool-datasource and are tested there.
 */
class BadInputTest {

    private static final boolean WORKS = true;
    private static final boolean REJECTED = false;

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("strategy", "", REJECTED),
                Arguments.of("strategy", "   ", REJECTED),
                Arguments.of("strategy", "no-such-strategy", REJECTED),
                Arguments.of("strategy", " QUEUE ", WORKS),
                Arguments.of("pool.size", "-1", REJECTED),
                Arguments.of("pool.size", "0", WORKS), // no limit, as SQLAlchemy's pool_size=0
                Arguments.of("pool.size", " 3 ", WORKS),
                Arguments.of("pool.size", "1.5", REJECTED),
                Arguments.of("pool.size", "2147483647", REJECTED), // beyond what the queue strategy can index
                Arguments.of("pool.size", "99999999999", REJECTED),
                Arguments.of("pool.size", "five", REJECTED),
                Arguments.of("pool.size", "", REJECTED),
                Arguments.of("max.overflow", "-2", REJECTED),
                Arguments.of("max.overflow", "-1", WORKS), // no limit
                Arguments.of("max.overflow", "0", WORKS),
                Arguments.of("max.overflow", "2147483647", WORKS),
                Arguments.of("max.overflow", "99999999999", REJECTED),
                Arguments.of("max.overflow", "ten", REJECTED),
                Arguments.of("max.overflow", "", REJECTED),
                Arguments.of("timeout", "-1", REJECTED),
                Arguments.of("timeout", "0", WORKS), // do not wait for a connection
                Arguments.of("timeout", "0.001", WORKS),
                Arguments.of("timeout", "2147483647", WORKS),
                Arguments.of("timeout", "1e12", REJECTED),
                Arguments.of("timeout", "NaN", REJECTED),
                Arguments.of("timeout", "Infinity", REJECTED),
                Arguments.of("timeout", "30s", REJECTED),
                Arguments.of("timeout", "", REJECTED),
                Arguments.of("use.lifo", "yes", REJECTED),
                Arguments.of("use.lifo", "1", REJECTED),
                Arguments.of("use.lifo", "", REJECTED),
                Arguments.of("use.lifo", "TRUE", WORKS),
                Arguments.of("recycle", "-5", WORKS), // any negative: never
                Arguments.of("recycle", "0", WORKS), // replace at every checkout
                Arguments.of("recycle", "1e400", REJECTED),
                Arguments.of("recycle", "hourly", REJECTED),
                Arguments.of("recycle", "", REJECTED),
                Arguments.of("pre.ping", "maybe", REJECTED),
                Arguments.of("pre.ping", "", REJECTED),
                Arguments.of("reset.on.return", "sometimes", REJECTED),
                Arguments.of("reset.on.return", "", REJECTED),
                Arguments.of("reset.on.return", "ROLLBACK", WORKS),
                Arguments.of("reset.on.return", "none", WORKS),
                Arguments.of("leak.detection.threshold", "-1", REJECTED),
                Arguments.of("leak.detection.threshold", "0", WORKS), // off
                Arguments.of("leak.detection.threshold", "1e10", REJECTED),
                Arguments.of("leak.detection.threshold", "soon", REJECTED));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("values")
    void eachValueWorksAsDocumentedOrIsRejectedNamingPropertyAndValue(String property, String value, boolean works)
            throws SQLException {
        Map<String, Object> config = new HashMap<>();
        config.put(property, value);
        StubDriver driver = new StubDriver();

        if (!works) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> build(config, driver));
            assertAll(error.getMessage(),
                    () -> assertTrue(error.getMessage().contains(property), "the message does not name " + property),
                    () -> assertTrue(value.isBlank() ? error.getMessage().contains("'" + value + "'")
                            : error.getMessage().contains(value.trim()), "the message does not give the value"),
                    () -> assertEquals(0, driver.connectAttempts(), "a rejected configuration connected"));
            return;
        }
        Pool pool = build(config, driver);
        try (ProxiedConnection connection = pool.checkout()) {
            assertTrue(connection.isValid(1));
        }
        pool.dispose();
        assertEquals(0, driver.open(), "a pool made from an accepted value left a connection open");
    }

    private static Pool build(Map<String, Object> config, StubDriver driver) {
        PoolSettings settings = PoolConfig.settings("bad-input", config);
        return Pools.create(PoolConfig.strategy(config), driver, settings);
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithItsProperty() {
        for (String property : PoolConfig.KEYS) {
            Map<String, Object> config = Map.of(property, new Object() {
                @Override
                public String toString() {
                    return "an-object";
                }
            });
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> build(new HashMap<>(config), new StubDriver()), property);
            assertTrue(error.getMessage().contains(property) && error.getMessage().contains("an-object"),
                    error.getMessage());
        }
    }

    @Test
    void aCreatorThatThrowsOrReturnsNothingFailsTheCheckoutAndLeavesTheCountsAlone() {
        for (String strategy : Pools.strategies()) {
            Pool throwing = Pools.create(strategy, entry -> {
                throw new IllegalStateException("driver bug");
            }, PoolSettings.defaults().withName("throwing"));
            assertEquals("driver bug", assertThrows(IllegalStateException.class, throwing::checkout).getMessage());
            assertEquals(0, throwing.status().open(), strategy);
            assertEquals(0, throwing.status().checkedOut(), strategy);

            Pool nothing = Pools.create(strategy, entry -> null, PoolSettings.defaults().withName("nothing"));
            SQLException error = assertThrows(SQLException.class, nothing::checkout);
            assertTrue(error.getMessage().contains("nothing") && error.getMessage().contains("no connection"),
                    error.getMessage());
            assertEquals(0, nothing.status().open(), strategy);
            assertEquals(0, nothing.status().checkedOut(), strategy);
        }
    }
}

package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.core.PoolConfig;
import org.poolkit.core.Pools;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * A property test with a fixed seed (so a failure replays): random configurations, good and bad, and random sequences
 * of checkouts, checkins, invalidations, soft invalidations, detaches, killed connections and failing connects, fed
 * to every installed strategy over the stub driver. After every operation: the pool within its strategy's limit, its
 * count of open connections the driver's, no connection with two holders; after dispose nothing open. A bad
 * configuration must be rejected naming one of its properties.
 */
class RandomOperationsTest {

    private static final long SEED = 7_2026_1121L;
    private static final int TRIALS = 400;
    private static final int OPERATIONS = 80;

    // Sorted maps: Map.of iterates in an order that changes from JVM to JVM, and the seed must replay.
    private static final Map<String, List<String>> GOOD = new TreeMap<>(Map.of(
            "pool.size", List.of("0", "1", "2", "3", "4"),
            "max.overflow", List.of("-1", "0", "1", "2"),
            "timeout", List.of("0", "0.01"),
            "use.lifo", List.of("true", "false"),
            "recycle", List.of("-1", "0", "3600"),
            "pre.ping", List.of("true", "false"),
            "reset.on.return", List.of("rollback", "commit", "none")));

    private static final Map<String, List<String>> BAD = new TreeMap<>(Map.of(
            "pool.size", List.of("-1", "x", ""),
            "max.overflow", List.of("-3", "lots"),
            "timeout", List.of("-1", "NaN"),
            "use.lifo", List.of("perhaps"),
            "recycle", List.of("later"),
            "pre.ping", List.of(""),
            "reset.on.return", List.of("undo")));

    static List<String> strategies() {
        return Pools.strategies();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void randomSettingsAndOperationsKeepTheInvariants(String strategy) throws SQLException {
        SplittableRandom random = new SplittableRandom(SEED ^ strategy.hashCode());
        int pools = 0;
        int rejected = 0;
        long operations = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Map<String, Object> config = randomConfig(random);
            PoolSettings settings;
            try {
                settings = PoolConfig.settings("random-" + trial, config);
            } catch (IllegalArgumentException e) {
                assertTrue(config.keySet().stream().anyMatch(e.getMessage()::contains),
                        "rejected without naming a property: " + e.getMessage() + " for " + config);
                rejected++;
                continue;
            }
            pools++;
            operations += trial(strategy, settings, random, "trial " + trial + " " + config);
        }
        Figures.record("property test: random settings and operations, " + strategy, "stub driver", operations,
                rejected, 0, 0, pools + " pools, " + rejected + " bad configurations rejected, seed " + SEED);
    }

    private static Map<String, Object> randomConfig(SplittableRandom random) {
        Map<String, Object> config = new HashMap<>();
        for (Map.Entry<String, List<String>> good : GOOD.entrySet()) {
            String key = good.getKey();
            // timeout always: the default 30 s would make a single thread wait out every full pool.
            if (key.equals("timeout") || random.nextInt(4) > 0) {
                // Mostly good values: a bad one is rejected before any operation runs.
                List<String> values = random.nextInt(40) > 0 ? good.getValue() : BAD.get(key);
                config.put(key, values.get(random.nextInt(values.size())));
            }
        }
        return config;
    }

    /** @return operations run */
    private static int trial(String strategy, PoolSettings settings, SplittableRandom random, String what)
            throws SQLException {
        StubDriver driver = new StubDriver();
        // One thread, but any number of handles held at once: the limit is the peak held, checked in check().
        StrategyRules rules = StrategyRules.of(strategy, settings, StrategyRules.UNBOUNDED);
        Pool pool = Pools.create(strategy, driver, settings);
        List<ProxiedConnection> held = new ArrayList<>();
        Set<Connection> holders = Collections.newSetFromMap(new IdentityHashMap<>());
        int peakHeld = 0;
        for (int step = 0; step < OPERATIONS; step++) {
            String operation = operate(pool, driver, rules, held, holders, random);
            peakHeld = Math.max(peakHeld, held.size());
            check(pool, driver, rules, held, settings, peakHeld, what + ", step " + step + " " + operation);
        }
        for (ProxiedConnection connection : held) {
            connection.close();
        }
        pool.dispose();
        assertEquals(0, pool.status().open(), what + ": open after dispose");
        assertEquals(0, driver.open(), what + ": driver connections open after dispose");
        return OPERATIONS;
    }

    private static String operate(Pool pool, StubDriver driver, StrategyRules rules, List<ProxiedConnection> held,
            Set<Connection> holders, SplittableRandom random) throws SQLException {
        int choice = random.nextInt(held.isEmpty() ? 2 : 9);
        switch (choice) {
            case 0:
                return checkout(pool, rules, held, holders);
            case 1:
                driver.failConnectTimes(1, new SQLException("random connect failure", "08001"));
                return checkout(pool, rules, held, holders) + " with a failing connect";
            default:
                break;
        }
        ProxiedConnection connection = held.get(random.nextInt(held.size()));
        switch (choice) {
            case 2:
            case 3:
                release(connection, held, holders).close();
                return "close";
            case 4:
                release(connection, held, holders).invalidate();
                return "invalidate";
            case 5:
                connection.softInvalidate(null);
                return "softInvalidate";
            case 6:
                if (!connection.isInvalidated()) {
                    StubConnection physical = connection.unwrap(StubConnection.class);
                    release(connection, held, holders);
                    physical.kill();
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT 1");
                        fail("a killed connection ran a statement");
                    } catch (SQLException expected) {
                        assertTrue(connection.isInvalidated() || shares(rules),
                                "a killed connection was not invalidated: " + expected);
                    }
                    connection.close();
                    return "kill";
                }
                return "nothing";
            case 7:
                // Only a sole holder may detach a connection others share.
                if (!connection.isInvalidated() && (!shares(rules) || held.size() == 1)) {
                    release(connection, held, holders);
                    connection.detach();
                    connection.close();
                    return "detach";
                }
                return "nothing";
            default:
                if (!connection.isInvalidated() && !shares(rules)) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                }
                return "execute";
        }
    }

    private static String checkout(Pool pool, StrategyRules rules, List<ProxiedConnection> held,
            Set<Connection> holders) throws SQLException {
        if (rules.oneHolderAtATime() && !held.isEmpty()) {
            return "nothing";
        }
        PoolStatus before = pool.status();
        ProxiedConnection connection;
        try {
            connection = pool.checkout();
        } catch (SQLException e) {
            assertTrue(e instanceof SQLTransientConnectionException || "08001".equals(e.getSQLState()),
                    "a checkout failed for no reason the test gave: " + e);
            PoolStatus after = pool.status();
            assertEquals(before.checkedOut(), after.checkedOut(), "a failed checkout changed the checked-out count: "
                    + e);
            assertTrue(after.open() <= before.open(), "a failed checkout left a connection open: " + e);
            return "checkout failed (" + e.getSQLState() + ")";
        }
        Connection physical = connection.entry().connection();
        if (!shares(rules) && !holders.add(physical)) {
            fail("one connection, two holders: " + physical);
        }
        held.add(connection);
        return "checkout";
    }

    /**
     * Whether the handles this one thread holds may share a connection: StaticPool's always do, and on one thread
     * SingletonThreadPool's nested checkouts do.
     */
    private static boolean shares(StrategyRules rules) {
        return rules.sharedConnection() || rules.perThread();
    }

    private static ProxiedConnection release(ProxiedConnection connection, List<ProxiedConnection> held,
            Set<Connection> holders) {
        held.remove(connection);
        if (connection.entry() != null) {
            holders.remove(connection.entry().connection());
        }
        return connection;
    }

    private static void check(Pool pool, StubDriver driver, StrategyRules rules, List<ProxiedConnection> held,
            PoolSettings settings, int peakHeld, String what) {
        PoolStatus status = pool.status();
        int limit = rules.maxOpen() == StrategyRules.UNBOUNDED ? peakHeld + settings.poolSize() : rules.maxOpen();
        assertTrue(status.open() <= limit, what + ": " + status.open() + " open, limit " + limit + "; " + status);
        assertEquals(driver.open(), status.open(), what + ": the pool's count against the driver's; " + status);
        if (!shares(rules)) {
            assertEquals(held.size(), status.checkedOut(), what + ": checked out; " + status);
        }
    }
}

package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.Pools;

/**
 * The stress harness can fail: told a limit or an exclusivity the strategy does not keep, it reports the breach.
 * Without this, a green {@link StressTest} could mean a checker that never looks.
 */
class StressHarnessTest {

    private static List<String> run(String strategy, StrategyRules rules) throws InterruptedException {
        CountingCreator counter = new CountingCreator(
                entry -> DriverManager.getConnection("jdbc:derby:memory:poolkit-harness;create=true"));
        Pool pool = Pools.create(strategy, counter, PoolSettings.defaults().withName("harness-" + strategy)
                .withPoolSize(4).withMaxOverflow(4));
        pool.addListener(counter.invalidations());
        try {
            return new Stress(pool, counter, rules, "VALUES 1", null).run(8, 2000, 1L, Duration.ofMinutes(1))
                    .violations();
        } finally {
            pool.dispose();
        }
    }

    @Test
    void moreOpenConnectionsThanTheRulesAllowAreReported() throws InterruptedException {
        List<String> violations = run("queue", new StrategyRules("queue", 1, false, false, false));

        assertTrue(violations.stream().anyMatch(v -> v.contains("the strategy allows 1")), violations.toString());
    }

    @Test
    void oneConnectionWithTwoHoldersIsReported() throws InterruptedException {
        // StaticPool shares its connection by design; told it must not, the harness sees two holders.
        List<String> violations = run("static", new StrategyRules("static", 1, false, false, false));

        assertTrue(violations.stream().anyMatch(v -> v.contains("two holders")), violations.toString());
    }

    @Test
    void aConnectionSharedByDesignAndDeclaredSoIsNoBreach() throws InterruptedException {
        // The control for the test above: the same run, with the rules StaticPool really has.
        List<String> violations = run("static", new StrategyRules("static", 1, true, false, false));

        assertTrue(violations.isEmpty(), "shared by design and said so: no breach expected, got " + violations);
    }
}

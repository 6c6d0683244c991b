package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.core.Pools;

/**
 * Every installed strategy under 32 threads on embedded Derby and on PostgreSQL: random holds, queries, open
 * transactions, statement errors, invalidations and exceptions inside the holder's work, with the strategy's
 * invariants checked after every checkout and checkin ({@link Stress}), the server's count compared with the
 * pool's, and nothing open anywhere after {@code dispose()}.
 *
 * <p>Checkouts per run: {@code -Dpoolkit.stress.checkouts} (200000), or per strategy and database, where lower,
 * {@code -Dpoolkit.stress.checkouts.<strategy>.<derby|postgresql>}; the pom and RELIABILITY.md say which are lower by
 * default and why.
 */
class StressTest {

    private static final int THREADS = 32;
    private static final long SEED = 20261121L;
    private static final Duration LIMIT = Duration.ofMinutes(3);

    static Stream<Arguments> runs() {
        return Pools.strategies().stream()
                .flatMap(strategy -> Stream.of(Arguments.of(strategy, "derby"), Arguments.of(strategy, "postgresql")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("runs")
    void invariantsHoldUnderContentionAndNothingIsLeftOpenAfterDispose(String strategy, String target)
            throws Exception {
        boolean derby = target.equals("derby");
        Database db = derby ? null : Database.postgresql();
        String tag = Database.newTag();
        PoolSettings settings = PoolSettings.defaults().withName(tag).withPoolSize(8).withMaxOverflow(8)
                .withTimeout(Duration.ofSeconds(60));
        CountingCreator counter = new CountingCreator(derby
                ? entry -> DriverManager.getConnection("jdbc:derby:memory:poolkit-stress;create=true")
                : db.creator(tag));
        StrategyRules rules = StrategyRules.of(strategy, settings, THREADS);
        Pool pool = Pools.create(strategy, counter, settings);
        pool.addListener(counter.invalidations());
        Stress.ServerCount server = derby ? null : () -> db.serverConnections(tag);
        long checkouts = checkouts(strategy, target);

        Stress.Result result;
        PoolStatus end;
        int serverEnd = -1;
        long countedBeforeDispose;
        try {
            result = new Stress(pool, counter, rules, derby ? "VALUES 1" : "SELECT 1", server)
                    .run(THREADS, checkouts, SEED, LIMIT);
            end = pool.status();
            countedBeforeDispose = counter.open();
            if (!derby) {
                int expected = end.open();
                serverEnd = db.awaitServerConnections(tag, count -> count == expected, Duration.ofSeconds(10));
            }
        } finally {
            pool.dispose();
        }
        long leakedOnServer = derby ? 0 : db.awaitServerConnections(tag, count -> count == 0, Duration.ofSeconds(10));
        long leaked = counter.open() + leakedOnServer;

        Figures.record("stress: " + THREADS + " threads, " + strategy, derby ? "Derby" : "PostgreSQL",
                result.checkouts(), result.faults(), result.failuresSeen(), leaked, String.format(
                        "%d invalidations, %d exceptions thrown in work, %d statement errors, %d transactions left "
                                + "open; max open: pool %d, server %d (limit %d); %d connects; %.1f s",
                        result.invalidations(), result.thrown(), result.statementErrors(), result.openTransactions(),
                        result.maxPoolOpen(), result.maxServerOpen(), rules.maxOpen(), counter.opened(),
                        result.took().toMillis() / 1000.0));

        PoolStatus atEnd = end;
        int serverAtEnd = serverEnd;
        long countedAtEnd = countedBeforeDispose;
        assertAll(strategy + " on " + target + ": " + result,
                () -> assertTrue(result.violations().isEmpty(), "invariants broken: " + result.violations()),
                () -> assertEquals(checkouts, result.checkouts(), "checkouts run"),
                () -> assertEquals(0, atEnd.checkedOut(), "checked out after every holder closed: " + atEnd),
                () -> assertEquals(atEnd.open(), countedAtEnd, "open: the pool's count against the driver's"),
                () -> assertTrue(derby || serverAtEnd == atEnd.open(),
                        "server lists " + serverAtEnd + ", pool says " + atEnd),
                () -> assertEquals(0, counter.open(), "driver connections left open after dispose"),
                () -> assertEquals(0, leakedOnServer, "connections left on the server after dispose"));
    }

    /** The general count, or the strategy's own on that database where it is lower. */
    private static long checkouts(String strategy, String target) {
        long all = Long.getLong("poolkit.stress.checkouts", 200_000);
        return Math.min(all, Long.getLong("poolkit.stress.checkouts." + strategy + "." + target, all));
    }
}

package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;

import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubDriver;
import org.poolkit.testkit.StubConnection;

/** Pools over {@link SimpleStrategy} and the small steps the engine tests share. */
final class TestPools {

    private TestPools() {
    }

    /** @return the default settings, named {@code test} */
    static PoolSettings settings() {
        return PoolSettings.defaults().withName("test");
    }

    static Pool create(ConnectionCreator creator, PoolSettings settings, LongSupplier clock) {
        return Pools.create(new SimpleStrategyProvider(), creator, settings, clock);
    }

    static Pool create(ConnectionCreator creator, PoolSettings settings) {
        return create(creator, settings, new FakeClock());
    }

    static Pool create(ConnectionCreator creator) {
        return create(creator, settings());
    }

    /** @return the driver connection behind a handle */
    static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    /** Checks a connection out and in again. @return the driver connection it had */
    static StubConnection cycle(Pool pool) throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            return stub(connection);
        }
    }

    /** Runs one statement through the handle, opening a transaction when auto-commit is off. */
    static void execute(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /**
     * Asserts the pool's counts, and that the pool's count of open connections is the driver's: nothing leaked,
     * nothing counted twice.
     */
    static void assertCounts(Pool pool, StubDriver driver, int checkedIn, int checkedOut) {
        PoolStatus status = pool.status();
        assertAll(status.toString(),
                () -> assertEquals(checkedIn, status.checkedIn(), "checked in"),
                () -> assertEquals(checkedOut, status.checkedOut(), "checked out"),
                () -> assertEquals(driver.open(), status.open(), "open: the pool's count against the driver's"));
    }
}

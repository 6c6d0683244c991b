package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.core.TestPools.assertCounts;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.ResetState;
import org.poolkit.api.ResetStyle;
import org.poolkit.testkit.EventLog;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * What checkin does to a connection before the next holder gets it: end the transaction as {@link ResetStyle} says
 * (never in auto-commit mode), close the statements left open, and put back only the properties the holder changed.
 */
class ResetOnReturnTest {

    private final StubDriver driver = new StubDriver();

    private Pool pool(ResetStyle style) {
        return TestPools.create(driver, TestPools.settings().withResetOnReturn(style));
    }

    /** Checks out, leaves a transaction open, closes. @return the driver connection */
    private static StubConnection returnWithOpenTransaction(Pool pool) throws SQLException {
        try (ProxiedConnection connection = pool.checkout()) {
            connection.setAutoCommit(false);
            execute(connection);
            return stub(connection);
        }
    }

    @Test
    void rollbackStyleRollsBackAnOpenTransaction() throws SQLException {
        StubConnection connection = returnWithOpenTransaction(pool(ResetStyle.ROLLBACK));

        assertAll(() -> assertEquals(1, connection.rollbacks()), () -> assertEquals(0, connection.commits()),
                () -> assertFalse(connection.inTransaction()));
    }

    @Test
    void rollbackStyleDoesNotCallRollbackInAutoCommitMode() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);

        StubConnection connection = TestPools.cycle(pool);

        assertEquals(0, connection.rollbacks());
        assertSame(connection, TestPools.cycle(pool), "a reset in auto-commit mode must not invalidate");
    }

    @Test
    void rollbackStyleRollsBackWhenTheDriverDefaultIsManualCommit() throws SQLException {
        driver.defaultAutoCommit(false);

        StubConnection connection = TestPools.cycle(pool(ResetStyle.ROLLBACK));

        assertEquals(1, connection.rollbacks());
    }

    @Test
    void commitStyleCommitsAnOpenTransaction() throws SQLException {
        StubConnection connection = returnWithOpenTransaction(pool(ResetStyle.COMMIT));

        assertAll(() -> assertEquals(1, connection.commits()), () -> assertEquals(0, connection.rollbacks()));
    }

    @Test
    void commitStyleDoesNotCallCommitInAutoCommitMode() throws SQLException {
        StubConnection connection = TestPools.cycle(pool(ResetStyle.COMMIT));

        assertEquals(0, connection.commits());
    }

    @Test
    void noneStyleNeitherRollsBackNorCommits() throws SQLException {
        StubConnection connection = returnWithOpenTransaction(pool(ResetStyle.NONE));

        assertAll(() -> assertEquals(0, connection.rollbacks()), () -> assertEquals(0, connection.commits()));
    }

    @Test
    void resetListenerRunsBeforeTheRollback() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        EventLog events = new EventLog();
        List<String> callsSeenByListener = new ArrayList<>();
        pool.addListener(Listen.onReset((connection, entry) -> callsSeenByListener.addAll(
                ((StubConnection) connection).calls())));
        pool.addListener(events);
        ProxiedConnection connection = pool.checkout();
        connection.setAutoCommit(false);
        StubConnection driverConnection = stub(connection);
        driverConnection.clearCalls();
        events.take();

        connection.close();

        assertEquals(List.of("reset#1", "checkin#1"), events.take());
        assertFalse(callsSeenByListener.contains("rollback"), callsSeenByListener.toString());
        assertEquals(List.of("rollback", "setAutoCommit"), driverConnection.calls());
    }

    /** How a holder lets go of its connection, and what a custom reset then does to the driver connection. */
    enum Exit {
        RETURN(List.of("endRequest"), List.of(false)) {
            @Override
            void leave(ProxiedConnection connection) throws SQLException {
                connection.close();
            }
        },
        DETACH_THEN_CLOSE(List.of("endRequest", "close"), List.of(true)) {
            @Override
            void leave(ProxiedConnection connection) throws SQLException {
                connection.detach();
                connection.close();
            }
        },
        INVALIDATE_THEN_CLOSE(List.of("close"), List.of()) {
            @Override
            void leave(ProxiedConnection connection) throws SQLException {
                connection.invalidate();
                connection.close();
            }
        };

        final List<String> calls;
        final List<Boolean> terminateOnly;

        Exit(List<String> calls, List<Boolean> terminateOnly) {
            this.calls = calls;
            this.terminateOnly = terminateOnly;
        }

        abstract void leave(ProxiedConnection connection) throws SQLException;
    }

    /**
     * Behaviour 48: with {@link ResetStyle#NONE} a {@code reset} listener is the whole reset (here it calls
     * {@code endRequest()}). It alone runs when the connection comes back, with an open transaction; it runs with
     * {@code terminateOnly} before a detached connection is closed; and it does not run for an invalidated
     * connection, which is only closed.
     */
    @ParameterizedTest
    @EnumSource(Exit.class)
    void customResetListenerIsTheWholeResetWithStyleNone(Exit exit) throws SQLException {
        driver.defaultAutoCommit(false);
        Pool pool = pool(ResetStyle.NONE);
        List<Boolean> terminateOnly = new ArrayList<>();
        pool.addListener(new PoolEvents() {
            @Override
            public void reset(Connection connection, PoolEntry entry, ResetState state) throws SQLException {
                terminateOnly.add(state.terminateOnly());
                connection.endRequest();
            }
        });
        ProxiedConnection connection = pool.checkout();
        execute(connection);
        StubConnection driverConnection = stub(connection);
        driverConnection.clearCalls();

        exit.leave(connection);

        assertEquals(exit.calls, driverConnection.calls());
        assertEquals(exit.terminateOnly, terminateOnly);
    }

    @Test
    void statementsLeftOpenAreClosedAtCheckin() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        ProxiedConnection connection = pool.checkout();
        connection.createStatement();
        connection.prepareStatement("SELECT ?");
        connection.prepareCall("CALL p()");
        connection.createStatement().close();
        StubConnection driverConnection = stub(connection);
        assertEquals(3, driverConnection.openStatements());

        connection.close();

        assertEquals(0, driverConnection.openStatements());
        assertSame(driverConnection, TestPools.cycle(pool));
    }

    @Test
    void propertiesTheHolderChangedAreRestoredAfterTheRollback() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        connection.setReadOnly(true);
        connection.setCatalog("other");
        connection.setSchema("OTHER");
        connection.setNetworkTimeout(Runnable::run, 5_000);
        // The stub refuses isolation and read-only changes inside a transaction: restoring before the rollback fails.
        execute(connection);

        connection.close();

        assertAll(() -> assertTrue(driverConnection.getAutoCommit(), "auto-commit"),
                () -> assertEquals(Connection.TRANSACTION_READ_COMMITTED, driverConnection.getTransactionIsolation()),
                () -> assertFalse(driverConnection.isReadOnly(), "read-only"),
                () -> assertEquals("stub", driverConnection.getCatalog()),
                () -> assertEquals("PUBLIC", driverConnection.getSchema()),
                () -> assertEquals(0, driverConnection.getNetworkTimeout()),
                () -> assertEquals(0, driverConnection.implicitCommits(), "restoring auto-commit committed"));
        assertSame(driverConnection, TestPools.cycle(pool), "a clean restore keeps the connection");
    }

    @Test
    void holderThatChangedNothingCausesNoSetterCalls() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        ProxiedConnection connection = pool.checkout();
        StubConnection driverConnection = stub(connection);
        driverConnection.clearCalls();

        execute(connection);
        connection.getTransactionIsolation();
        connection.isReadOnly();
        connection.close();

        assertEquals(List.of("createStatement"), driverConnection.calls());
    }

    @Test
    void holderAfterOneThatChangedPropertiesCausesNoSetterCalls() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        try (ProxiedConnection first = pool.checkout()) {
            first.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            first.setSchema("OTHER");
        }
        ProxiedConnection second = pool.checkout();
        StubConnection driverConnection = stub(second);
        driverConnection.clearCalls();

        second.close();

        assertEquals(List.of(), driverConnection.calls());
    }

    @Test
    void resetListenerThrowingCountsAsAFailedReset() throws SQLException {
        Pool pool = pool(ResetStyle.NONE);
        pool.addListener(Listen.onReset((connection, entry) -> {
            throw new SQLException("custom reset failed");
        }));

        StubConnection connection = TestPools.cycle(pool);

        assertTrue(connection.isPhysicallyClosed());
        assertCounts(pool, driver, 1, 0);
    }

    @Test
    void failedResetInvalidatesTheConnectionInsteadOfPoolingIt() throws SQLException {
        Pool pool = pool(ResetStyle.ROLLBACK);
        ProxiedConnection connection = pool.checkout();
        connection.setAutoCommit(false);
        StubConnection broken = stub(connection);
        broken.failRollback(new SQLException("rollback failed", "08S01"));

        connection.close();

        assertTrue(broken.isPhysicallyClosed());
        assertCounts(pool, driver, 1, 0);
        StubConnection next = TestPools.cycle(pool);
        assertNotSame(broken, next);
        assertEquals(2, driver.opened());
        assertCounts(pool, driver, 1, 0);
    }
}

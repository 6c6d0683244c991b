package org.poolkit.testkit;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;

/**
 * The exceptions the stub classes throw, in one place so that messages and SQLStates stay the same everywhere.
 * A new exception per failure: failures are the slow path, and a fresh stack trace shows where the pool tripped.
 *
 * <p>Stateless; thread-safe.
 */
final class StubErrors {

    private StubErrors() {
    }

    /** SQLState 08003 (connection does not exist): the connection was closed or aborted. */
    static SQLException connectionClosed(int connectionId) {
        return new SQLException("stub connection " + connectionId + " is closed", "08003");
    }

    /** SQLState 08006 (connection failure): the test killed the connection, as if its backend had died. */
    static SQLNonTransientConnectionException killed(int connectionId) {
        return new SQLNonTransientConnectionException("stub connection " + connectionId + " was killed", "08006");
    }

    /** SQLState HY010 (function sequence error): the statement itself was closed. */
    static SQLException statementClosed(int connectionId) {
        return new SQLException("stub statement of connection " + connectionId + " is closed", "HY010");
    }

    /** SQLState 24000 (invalid cursor state): the result set was closed. */
    static SQLException resultSetClosed(int connectionId) {
        return new SQLException("stub result set of connection " + connectionId + " is closed", "24000");
    }

    /** SQLState 24000 (invalid cursor state): a cursor operation the result set's state does not allow. */
    static SQLException cursor(String message) {
        return new SQLException(message, "24000");
    }

    /** SQLState 25000 (invalid transaction state). */
    static SQLException transactionState(String message) {
        return new SQLException(message, "25000");
    }

    /** SQLState 25001 (active SQL transaction): a property that cannot change inside a transaction. */
    static SQLException activeTransaction(String message) {
        return new SQLException(message, "25001");
    }

    /** SQLState 07009 (invalid descriptor index): a column or parameter index out of range. */
    static SQLException invalidIndex(String what, int index) {
        return new SQLException("invalid " + what + " index " + index, "07009");
    }

    /** SQLState HY024 (invalid attribute value): an argument the JDBC contract rejects. */
    static SQLException invalidArgument(String message) {
        return new SQLException(message, "HY024");
    }

    /** SQLState 0A000 (feature not supported): what the stub driver does not model. */
    static SQLFeatureNotSupportedException notSupported(String what) {
        return new SQLFeatureNotSupportedException("stub driver does not support " + what, "0A000");
    }
}

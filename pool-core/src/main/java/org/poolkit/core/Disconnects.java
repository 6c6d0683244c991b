package org.poolkit.core;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;

/**
 * Tells a driver error that means "this connection is dead" from one that concerns only the statement: SQLState
 * class {@code 08} (connection exception), and the JDBC exception types that say the same.
 */
final class Disconnects {

    private Disconnects() {
    }

    static boolean isDisconnect(SQLException e) {
        if (e instanceof SQLRecoverableException || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }
}

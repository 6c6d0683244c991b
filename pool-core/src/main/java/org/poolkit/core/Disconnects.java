package org.poolkit.core;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.util.Set;

/**
 * Judges a driver error raised through a pooled connection: does it concern only the statement, does it mean "this
 * connection is dead", or does it mean "the server went away", so that every connection opened before it is suspect
 * too (SQLAlchemy's invalidation time)? RELIABILITY.md has the table with the reasons.
 *
 * <p>Where a code cannot tell a killed backend from a stopped server (PostgreSQL's {@code 57P01} is both what
 * {@code pg_terminate_backend} and a shutdown send; a socket the server closed looks the same either way), the
 * verdict is "the server went away": replacing a healthy older connection costs a reconnect, handing out a dead one
 * costs a holder a failure. "This connection is dead" is kept for errors that prove nothing about the server.
 *
 * <p>Stateless; thread-safe.
 */
final class Disconnects {

    /** What a driver error says about the connection it came from. */
    enum Verdict {
        /** The statement failed; the connection is fine. */
        NONE,
        /** This connection is dead; the others may be fine. */
        CONNECTION,
        /** The server went away: this connection and every one opened before it are dead. */
        SERVER
    }

    /** PostgreSQL: admin_shutdown (also pg_terminate_backend), crash_shutdown, cannot_connect_now. */
    private static final Set<String> SERVER_STATES_POSTGRESQL = Set.of("57P01", "57P02", "57P03");

    /**
     * MySQL/MariaDB server and client error codes for a lost server: ER_SERVER_SHUTDOWN, CR_CONNECTION_ERROR,
     * CR_CONN_HOST_ERROR, CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_SERVER_LOST_EXTENDED.
     */
    private static final Set<Integer> SERVER_CODES_MYSQL = Set.of(1053, 2002, 2003, 2006, 2013, 2055);

    /**
     * MySQL/MariaDB codes for one connection ended while the server stays up: ER_CONNECTION_KILLED (MariaDB's
     * {@code KILL}), ER_CLIENT_INTERACTION_TIMEOUT (MySQL closed an idle connection after {@code wait_timeout}).
     */
    private static final Set<Integer> CONNECTION_CODES_MYSQL = Set.of(1927, 4031);

    /** Connection does not exist (used after it was closed); transaction resolution unknown. */
    private static final Set<String> CONNECTION_STATES = Set.of("08003", "08007");

    private static final int MAX_CAUSES = 8;

    private Disconnects() {
    }

    static Verdict classify(SQLException e) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        if (CONNECTION_CODES_MYSQL.contains(code)) {
            return Verdict.CONNECTION;
        }
        if (state != null && SERVER_STATES_POSTGRESQL.contains(state) || SERVER_CODES_MYSQL.contains(code)) {
            return Verdict.SERVER;
        }
        boolean connectionError = e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException || state != null && state.startsWith("08");
        if (!connectionError) {
            return Verdict.NONE;
        }
        if (state != null && CONNECTION_STATES.contains(state) || causedBySocketTimeout(e)) {
            // Closed on the client side, or cut by this connection's own network timeout: the server may be fine.
            return Verdict.CONNECTION;
        }
        return Verdict.SERVER;
    }

    private static boolean causedBySocketTimeout(Throwable e) {
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}

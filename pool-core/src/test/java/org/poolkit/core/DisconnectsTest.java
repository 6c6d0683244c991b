package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.core.Disconnects.Verdict;

/**
 * The disconnect table of RELIABILITY.md, row by row, with the exceptions the real drivers raise (their classes,
 * SQLStates, error codes and causes as PostgreSQL's pgjdbc 42.7 and MariaDB Connector/J 3.5 report them).
 */
class DisconnectsTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                // Not a disconnect: the statement failed, the connection lives on.
                Arguments.of("syntax error", new SQLSyntaxErrorException("syntax", "42601"), Verdict.NONE),
                Arguments.of("no SQLState", new SQLException("vague"), Verdict.NONE),
                Arguments.of("pg statement timeout (57014)", new SQLException("canceling statement", "57014"),
                        Verdict.NONE),
                Arguments.of("mariadb statement timeout (1969)",
                        new SQLTimeoutException("max_statement_time exceeded", "70100", 1969), Verdict.NONE),
                Arguments.of("unique violation", new SQLException("duplicate key", "23505"), Verdict.NONE),
                Arguments.of("pool timeout is transient, not a disconnect",
                        new SQLTransientConnectionException("timeout", "HYT00"), Verdict.NONE),
                // This connection is dead.
                Arguments.of("08003 used after close", new SQLException("closed", "08003"), Verdict.CONNECTION),
                Arguments.of("08007 transaction resolution unknown", new SQLException("unknown", "08007"),
                        Verdict.CONNECTION),
                Arguments.of("pg network timeout (08006 caused by SocketTimeoutException)",
                        new SQLException("I/O error", "08006", new SocketTimeoutException("Read timed out")),
                        Verdict.CONNECTION),
                Arguments.of("mariadb network timeout (08000 caused by SocketTimeoutException)",
                        new SQLNonTransientConnectionException("Socket timout error", "08000", -1,
                                new SocketTimeoutException("Read timed out")), Verdict.CONNECTION),
                Arguments.of("socket timeout deeper in the causes",
                        new SQLRecoverableException("lost", null, new IOException(new SocketTimeoutException())),
                        Verdict.CONNECTION),
                Arguments.of("mariadb ER_CONNECTION_KILLED (1927)",
                        new SQLException("Connection was killed", "70100", 1927), Verdict.CONNECTION),
                Arguments.of("mysql ER_CLIENT_INTERACTION_TIMEOUT (4031)",
                        new SQLException("disconnected by the server because of inactivity", "HY000", 4031),
                        Verdict.CONNECTION),
                // The server went away.
                Arguments.of("pg admin_shutdown / pg_terminate_backend (57P01)",
                        new SQLException("terminating connection due to administrator command", "57P01"),
                        Verdict.SERVER),
                Arguments.of("pg crash_shutdown (57P02)", new SQLException("crash", "57P02"), Verdict.SERVER),
                Arguments.of("pg cannot_connect_now (57P03)", new SQLException("starting up", "57P03"),
                        Verdict.SERVER),
                Arguments.of("pg I/O error (08006)", new SQLException("I/O error", "08006",
                        new EOFException()), Verdict.SERVER),
                Arguments.of("pg connection refused (08001)", new SQLException("refused", "08001"), Verdict.SERVER),
                Arguments.of("08004 rejected", new SQLException("rejected", "08004"), Verdict.SERVER),
                Arguments.of("mysql communication link failure (08S01)", new SQLException("link", "08S01"),
                        Verdict.SERVER),
                Arguments.of("mariadb socket closed by server (08000, EOFException)",
                        new SQLNonTransientConnectionException("Socket error", "08000", -1,
                                new EOFException("socket was closed by server")), Verdict.SERVER),
                Arguments.of("mysql ER_SERVER_SHUTDOWN (1053)", new SQLException("shutdown", "08S01", 1053),
                        Verdict.SERVER),
                Arguments.of("mysql CR_SERVER_GONE_ERROR (2006)", new SQLException("gone away", "HY000", 2006),
                        Verdict.SERVER),
                Arguments.of("mysql CR_SERVER_LOST (2013)", new SQLException("lost", "HY000", 2013),
                        Verdict.SERVER),
                Arguments.of("SQLRecoverableException without a state", new SQLRecoverableException("lost"),
                        Verdict.SERVER),
                Arguments.of("SQLNonTransientConnectionException without a state",
                        new SQLNonTransientConnectionException("lost"), Verdict.SERVER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void classifiesAsTheTableSays(String name, SQLException error, Verdict expected) {
        assertEquals(expected, Disconnects.classify(error));
    }
}

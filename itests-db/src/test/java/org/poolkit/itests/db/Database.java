package org.poolkit.itests.db;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Assumptions;
import org.poolkit.api.ConnectionCreator;

/**
 * A real server the tests inject faults into: how to connect to it, and the server's own view of the connections a
 * test opened, found by a tag the test chose. Fault injection and counting go through a separate admin connection,
 * never through the pool under test, and touch only the test's own sessions.
 *
 * <p>Where the servers are comes from system properties ({@code poolkit.pg.*}, {@code poolkit.mariadb.*}, set in
 * this module's pom). A server that does not answer fails the test with the reason, unless
 * {@code -Dpoolkit.db.optional=true} is given: then the test is skipped and says why. CI has both servers, so a
 * silent skip there would hide a regression.
 *
 * <p>Thread-safe.
 */
abstract class Database {

    private static final Database POSTGRESQL = new Postgresql();
    private static final Database MARIADB = new MariaDb();

    final String name;
    /** Begins the system properties that point the tests at another server: {@code <prefix>.host} and so on. */
    private final String prefix;
    final String host;
    final int port;
    final String database;
    final String user;
    final String password;
    private volatile String unavailable;
    private volatile boolean checked;

    private Database(String name, String prefix, int defaultPort, String defaultUser) {
        this.name = name;
        this.prefix = prefix;
        this.host = System.getProperty(prefix + ".host", "127.0.0.1");
        this.port = Integer.getInteger(prefix + ".port", defaultPort);
        this.database = System.getProperty(prefix + ".database", "test");
        this.user = System.getProperty(prefix + ".user", defaultUser);
        this.password = System.getProperty(prefix + ".password", "");
    }

    /** @return PostgreSQL, after making sure it answers (or skipping the test when servers are optional) */
    static Database postgresql() {
        return POSTGRESQL.require();
    }

    /** @return MariaDB, after making sure it answers (or skipping the test when servers are optional) */
    static Database mariadb() {
        return MARIADB.require();
    }

    /** @return a tag no other test or run uses, for the connections of one pool */
    static String newTag() {
        return "poolkit-it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Database require() {
        if (!checked) {
            try (Connection probe = admin()) {
                probe.isValid(5);
            } catch (SQLException e) {
                unavailable = name + " at " + host + ":" + port + "/" + database + " (user " + user
                        + ") does not answer: " + e.getMessage();
            }
            checked = true;
        }
        String reason = unavailable;
        if (reason != null) {
            if (Boolean.getBoolean("poolkit.db.optional")) {
                Assumptions.abort("SKIPPED, server absent and -Dpoolkit.db.optional=true: " + reason);
            }
            fail(reason + ". Start it (RELIABILITY.md says how), point -D" + prefix + ".host/.port at it, or run "
                    + "with -Dpoolkit.db.optional=true to skip the tests that need it.");
        }
        return this;
    }

    /** @return the JDBC URL of the server, or of a proxy in front of it at {@code hostPort} */
    abstract String url(String hostPort, String tag);

    /** @return a connection for injecting faults and counting, outside any pool */
    Connection admin() throws SQLException {
        return DriverManager.getConnection(url(host + ":" + port, "poolkit-admin"), credentials(password));
    }

    /** @return a creator whose connections the server lists under {@code tag} */
    ConnectionCreator creator(String tag) {
        return creator(tag, host + ":" + port, password);
    }

    /** @return a creator that connects through {@code hostPort} with the given password */
    abstract ConnectionCreator creator(String tag, String hostPort, String password);

    Properties credentials(String secret) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", secret);
        return properties;
    }

    /** @return the connections the server has open for {@code tag} now */
    abstract int serverConnections(String tag) throws SQLException;

    /** Kills every server-side session of {@code tag}; @return how many were killed */
    abstract int killAll(String tag) throws SQLException;

    /** Kills the server-side session of one of the tag's connections, by its {@link #backendId}. */
    abstract void kill(String tag, long backendId) throws SQLException;

    /** @return the server's id for the session behind {@code connection} */
    abstract long backendId(Connection connection) throws SQLException;

    /** @return a query that takes {@code seconds} on the server */
    abstract String sleep(int seconds);

    /**
     * Waits, at most {@code limit}, until the server's count for {@code tag} satisfies {@code condition}: a closed
     * connection's session leaves the server's list a moment after the client closed it.
     *
     * @return the last count seen
     */
    int awaitServerConnections(String tag, IntPredicate condition, Duration limit) throws SQLException {
        long deadline = System.nanoTime() + limit.toNanos();
        int count = serverConnections(tag);
        while (!condition.test(count) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            count = serverConnections(tag);
        }
        return count;
    }

    @Override
    public String toString() {
        return name;
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Finds a test's sessions by {@code ApplicationName}, which pg_stat_activity lists. */
    private static final class Postgresql extends Database {

        Postgresql() {
            super("PostgreSQL", "poolkit.pg", 5432, "postgres");
        }

        @Override
        String url(String hostPort, String tag) {
            return "jdbc:postgresql://" + hostPort + "/" + database + "?ApplicationName=" + tag;
        }

        @Override
        ConnectionCreator creator(String tag, String hostPort, String secret) {
            String url = url(hostPort, tag);
            Properties properties = credentials(secret);
            return entry -> DriverManager.getConnection(url, properties);
        }

        @Override
        int serverConnections(String tag) throws SQLException {
            try (Connection admin = admin();
                    PreparedStatement count = admin.prepareStatement(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                count.setString(1, tag);
                try (ResultSet result = count.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        }

        @Override
        int killAll(String tag) throws SQLException {
            // The pids first, then one terminate per pid: in a single query the planner is free to call
            // pg_terminate_backend before the filter, on every backend of the server.
            List<Long> pids = new ArrayList<>();
            try (Connection admin = admin();
                    PreparedStatement find = admin.prepareStatement(
                            "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
                find.setString(1, tag);
                try (ResultSet result = find.executeQuery()) {
                    while (result.next()) {
                        pids.add(result.getLong(1));
                    }
                }
                int killed = 0;
                for (long pid : pids) {
                    killed += terminate(admin, tag, pid) ? 1 : 0;
                }
                return killed;
            }
        }

        @Override
        void kill(String tag, long backendId) throws SQLException {
            try (Connection admin = admin()) {
                if (!terminate(admin, tag, backendId)) {
                    throw new SQLException("no backend " + backendId + " to kill");
                }
            }
        }

        /** Terminates the backend only if it is still the tag's: CASE fixes the order of evaluation. */
        private static boolean terminate(Connection admin, String tag, long pid) throws SQLException {
            try (PreparedStatement terminate = admin.prepareStatement("SELECT CASE WHEN EXISTS (SELECT 1 FROM "
                    + "pg_stat_activity WHERE pid = ? AND application_name = ?) THEN pg_terminate_backend(?) "
                    + "ELSE false END")) {
                terminate.setInt(1, (int) pid);
                terminate.setString(2, tag);
                terminate.setInt(3, (int) pid);
                try (ResultSet result = terminate.executeQuery()) {
                    result.next();
                    return result.getBoolean(1);
                }
            }
        }

        @Override
        long backendId(Connection connection) throws SQLException {
            return single(connection, "SELECT pg_backend_pid()");
        }

        @Override
        String sleep(int seconds) {
            return "SELECT pg_sleep(" + seconds + ")";
        }
    }

    /**
     * MariaDB lists no application name without performance_schema, so the creator records each new connection's
     * {@code CONNECTION_ID()} under the tag, and counting and killing look only at those ids.
     */
    private static final class MariaDb extends Database {

        private final ConcurrentHashMap<String, Set<Long>> idsByTag = new ConcurrentHashMap<>();

        MariaDb() {
            super("MariaDB", "poolkit.mariadb", 3306, "root");
        }

        @Override
        String url(String hostPort, String tag) {
            return "jdbc:mariadb://" + hostPort + "/" + database;
        }

        @Override
        ConnectionCreator creator(String tag, String hostPort, String secret) {
            String url = url(hostPort, tag);
            Properties properties = credentials(secret);
            Set<Long> ids = idsByTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet());
            return entry -> {
                Connection connection = DriverManager.getConnection(url, properties);
                try {
                    ids.add(backendId(connection));
                } catch (SQLException | RuntimeException e) {
                    connection.close();
                    throw e;
                }
                return connection;
            };
        }

        private String idList(String tag) {
            Set<Long> ids = idsByTag.getOrDefault(tag, Set.of());
            return ids.isEmpty() ? "-1" : String.join(",", ids.stream().map(String::valueOf).toList());
        }

        @Override
        int serverConnections(String tag) throws SQLException {
            try (Connection admin = admin()) {
                return (int) single(admin, "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID IN ("
                        + idList(tag) + ")");
            }
        }

        @Override
        int killAll(String tag) throws SQLException {
            int killed = 0;
            try (Connection admin = admin(); Statement statement = admin.createStatement();
                    ResultSet result = statement.executeQuery(
                            "SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN (" + idList(tag) + ")")) {
                while (result.next()) {
                    try (Statement kill = admin.createStatement()) {
                        kill.execute("KILL CONNECTION " + result.getLong(1));
                        killed++;
                    } catch (SQLException gone) {
                        // Closed between the listing and the kill: nothing left to kill.
                    }
                }
            }
            return killed;
        }

        @Override
        void kill(String tag, long backendId) throws SQLException {
            if (!idsByTag.getOrDefault(tag, Set.of()).contains(backendId)) {
                throw new SQLException("connection " + backendId + " is not one of " + tag + "'s");
            }
            try (Connection admin = admin(); Statement kill = admin.createStatement()) {
                kill.execute("KILL CONNECTION " + backendId);
            }
        }

        @Override
        long backendId(Connection connection) throws SQLException {
            return single(connection, "SELECT CONNECTION_ID()");
        }

        @Override
        String sleep(int seconds) {
            return "SELECT SLEEP(" + seconds + ")";
        }
    }
}

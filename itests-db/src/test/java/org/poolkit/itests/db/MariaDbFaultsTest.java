package org.poolkit.itests.db;

import java.util.Set;

/** {@link ServerFaultsContract} on MariaDB, sessions killed with {@code KILL CONNECTION}. */
class MariaDbFaultsTest extends ServerFaultsContract {

    @Override
    Database database() {
        return Database.mariadb();
    }

    @Override
    Set<String> killedStates() {
        // MariaDB Connector/J finds the socket closed by the server: SQLNonTransientConnectionException, 08000.
        return Set.of("08000");
    }

    @Override
    String shortLockWait() {
        return "SET SESSION innodb_lock_wait_timeout = 2";
    }
}

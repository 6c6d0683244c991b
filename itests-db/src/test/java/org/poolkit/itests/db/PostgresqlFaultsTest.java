package org.poolkit.itests.db;

import java.util.Set;

/** {@link ServerFaultsContract} on PostgreSQL, backends killed with {@code pg_terminate_backend}. */
class PostgresqlFaultsTest extends ServerFaultsContract {

    @Override
    Database database() {
        return Database.postgresql();
    }

    @Override
    Set<String> killedStates() {
        // What pgjdbc reports on the first use of a connection whose backend pg_terminate_backend ended.
        return Set.of("57P01");
    }

    @Override
    String shortLockWait() {
        return "SET lock_timeout = '2s'";
    }
}

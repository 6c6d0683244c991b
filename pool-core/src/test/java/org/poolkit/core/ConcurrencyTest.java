package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.poolkit.core.TestPools.execute;
import static org.poolkit.core.TestPools.stub;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.poolkit.api.DisconnectionException;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * The engine under many threads at once, each ending its checkouts in every way a holder can: close, invalidate,
 * soft-invalidate, detach, a dead connection, a statement left open, a failing checkout listener. Whatever the
 * interleaving, no driver connection is ever held by two holders, and the pool's count of open connections stays
 * the driver's.
 */
class ConcurrencyTest {

    private static final int THREADS = 16;
    private static final int CHECKOUTS_PER_THREAD = 2_000;
    private static final String INJECTED = "injected by the test";

    private final StubDriver driver = new StubDriver();
    private final Pool pool = TestPools.create(driver, TestPools.settings().withPrePing(true));
    /** The driver connections held right now; a second holder of one fails the add. */
    private final Set<StubConnection> held = Collections.synchronizedSet(Collections.newSetFromMap(
            new IdentityHashMap<>()));

    @Test
    void noDriverConnectionIsEverHeldTwiceAndCountsStayExact() {
        pool.addListener(Listen.onCheckout((connection, entry) -> failSometimes()));

        List<Throwable> failures = assertTimeoutPreemptively(Duration.ofSeconds(60), this::runWorkers);

        if (!failures.isEmpty()) {
            fail(failures.size() + " workers failed; the first:", failures.get(0));
        }
        PoolStatus status = pool.status();
        assertEquals(0, status.checkedOut(), status.toString());
        assertEquals(driver.open(), status.open(), "open: the pool's count against the driver's");
        pool.dispose();
        assertEquals(0, driver.open(), "driver connections left open after dispose");
    }

    /** Makes a checkout listener fail now and then, the way a real listener may. */
    private static void failSometimes() throws SQLException {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 5) {
            throw new DisconnectionException(INJECTED);
        }
        if (dice < 7) {
            throw new SQLException(INJECTED);
        }
    }

    private List<Throwable> runWorkers() throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            workers.add(threads.submit(() -> {
                start.await();
                work();
                return null;
            }));
        }
        start.countDown();
        List<Throwable> failures = new ArrayList<>();
        for (Future<?> worker : workers) {
            try {
                worker.get();
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        threads.shutdown();
        return failures;
    }

    private void work() throws SQLException {
        for (int i = 0; i < CHECKOUTS_PER_THREAD; i++) {
            ProxiedConnection connection;
            try {
                connection = pool.checkout();
            } catch (SQLException e) {
                if (isInjected(e)) {
                    continue;
                }
                throw e;
            }
            StubConnection driverConnection = stub(connection);
            assertTrue(held.add(driverConnection), () -> driverConnection + " is held by another holder too");
            use(connection, driverConnection);
        }
    }

    private static boolean isInjected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (INJECTED.equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Uses the connection and lets it go one way or another; forgets it as held before anyone else may get it. */
    private void use(ProxiedConnection connection, StubConnection driverConnection) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        connection.setAutoCommit(random.nextBoolean());
        execute(connection);
        switch (random.nextInt(10)) {
            case 0:
                held.remove(driverConnection);
                connection.invalidate();
                break;
            case 1:
                connection.softInvalidate(null);
                closeAfterForgetting(connection, driverConnection);
                break;
            case 2:
                held.remove(driverConnection);
                connection.detach();
                execute(connection);
                connection.close();
                break;
            case 3:
                held.remove(driverConnection);
                driverConnection.kill();
                expectDisconnect(connection);
                break;
            case 4:
                connection.setSchema("OTHER");
                connection.setNetworkTimeout(Runnable::run, 1_000);
                connection.createStatement();
                closeAfterForgetting(connection, driverConnection);
                break;
            default:
                closeAfterForgetting(connection, driverConnection);
                break;
        }
    }

    private void closeAfterForgetting(ProxiedConnection connection, StubConnection driverConnection)
            throws SQLException {
        held.remove(driverConnection);
        connection.close();
    }

    private static void expectDisconnect(ProxiedConnection connection) throws SQLException {
        try {
            execute(connection);
            fail("a killed connection executed a statement");
        } catch (SQLException e) {
            assertTrue(connection.isInvalidated(), "a disconnect invalidates the handle");
        }
        connection.close();
    }
}

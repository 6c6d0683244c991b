package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.poolkit.testkit.StubDriver;

/** The load threads commit real transactions, count what failed where, and time every getConnection(). */
class WorkloadTest {

    @Test
    void threadsCommitTransactionsOnDerbyAndTimeEveryCheckout() {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName("memory:workload");
        derby.setCreateDatabase("create");
        Workload workload = new Workload("test-load", derby, 2);
        awaitTrue(() -> workload.totals().transactions() >= 50, "50 transactions");

        LatencyRecorder latencies = workload.stop(Duration.ofSeconds(10));

        Workload.Totals totals = workload.totals();
        assertEquals(0, totals.failures(), "first failure: " + totals.firstFailure());
        assertEquals(totals.transactions(), latencies.count(), "one getConnection() timed per transaction");
        assertTrue(latencies.percentile(0.5) > 0);
        assertTrue(latencies.percentile(0.99) >= latencies.percentile(0.5));
    }

    @Test
    void aFailedGetConnectionIsCountedAsSuchWithItsMessage() {
        StubDriver driver = new StubDriver().failConnect(new SQLException("database is down", "08001"));
        Workload workload = new Workload("test-load", driver.asDataSource(), 1);
        awaitTrue(() -> workload.totals().failedCheckouts() >= 3, "3 failed checkouts");

        LatencyRecorder latencies = workload.stop(Duration.ofSeconds(10));

        Workload.Totals totals = workload.totals();
        assertEquals(0, totals.transactions());
        assertEquals(0, totals.failedStatements());
        assertEquals("SQLException: database is down", totals.firstFailure());
        assertEquals(0, latencies.count(), "only a getConnection() that returned is timed");
    }

    /** A second Ctrl-C while load stops: every thread still ends and closes its connection, and the interrupt stays. */
    @Test
    void anInterruptWhileStoppingWaitsForEveryThreadAndIsKept() throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        StubDriver driver = new StubDriver().blockConnects(gate);
        Workload workload = new Workload("test-load", driver.asDataSource(), 2);
        awaitTrue(() -> driver.connectsInFlight() == 2, "both threads to wait in getConnection()");
        Thread stopping = Thread.currentThread();
        Thread opener = new Thread(() -> {
            // Opens the gate once stop() waits, that is after the interrupt was delivered to it.
            awaitTrue(() -> stopping.getState() == Thread.State.TIMED_WAITING, "stop() to wait for the threads");
            gate.countDown();
        }, "gate-opener");
        opener.setDaemon(true);
        opener.start();

        stopping.interrupt();
        LatencyRecorder latencies = workload.stop(Duration.ofSeconds(10));

        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(2, latencies.count(), "each thread's one getConnection() was timed");
        assertEquals(2, driver.opened(), "one connection each, and no thread went round again");
        assertEquals(0, driver.open(), "every connection was closed (the stub's failing getMetaData() included)");
        opener.join(10_000);
        assertEquals(0, threadsNamed("test-load-"), "no load thread is left");
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
    }

    /** The first failure is printed in pool:load's summary. */
    @Test
    void aFailureThatQuotesTheUrlIsKeptWithThePasswordMasked() {
        StubDriver driver = new StubDriver().failConnect(new SQLException(
                "cannot connect to jdbc:postgresql://app:s3cret@db/app?password=s3cret", "08001"));
        Workload workload = new Workload("test-load", driver.asDataSource(), 1);
        awaitTrue(() -> workload.totals().failedCheckouts() >= 1, "a failed checkout");
        workload.stop(Duration.ofSeconds(10));

        assertEquals("SQLException: cannot connect to jdbc:postgresql://app:***@db/app?password=***",
                workload.totals().firstFailure());
    }

    @Test
    void theStatementFitsTheDatabase() {
        assertEquals("VALUES 1", Workload.statementFor("Apache Derby"));
        assertEquals("SELECT 1", Workload.statementFor("PostgreSQL"));
        assertEquals("SELECT 1", Workload.statementFor("MariaDB"));
        assertEquals("SELECT 1 FROM DUAL", Workload.statementFor("Oracle"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after 30 s waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}

package org.poolkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The driver's count of open connections, which the pools' limit tests read while other threads connect and close. */
class StubDriverCountTest {

    /**
     * One thread keeps exactly one connection open, replacing it again and again (close, then open); another reads
     * {@link StubDriver#open()} meanwhile. The count read must never be more than the one connection there ever is,
     * however the reads fall between the replacer's close and open.
     */
    @Test
    void openNeverCountsMoreThanAreOpenAtOnce() throws Exception {
        StubDriver driver = new StubDriver().recordCalls(false);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong replacements = new AtomicLong();
        Thread replacer = new Thread(() -> {
            try {
                StubConnection connection = driver.create(null);
                while (!stop.get()) {
                    connection.close();
                    connection = driver.create(null);
                    replacements.incrementAndGet();
                }
                connection.close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, "replacer");
        replacer.start();
        long most = 0;
        long deadline = System.nanoTime() + 500_000_000L;
        try {
            while (System.nanoTime() - deadline < 0 && most <= 1) {
                most = Math.max(most, driver.open());
            }
        } finally {
            stop.set(true);
            replacer.join(10_000);
        }

        assertTrue(replacements.get() > 0, "the replacer ran");
        assertTrue(most <= 1, "open() read " + most + " with at most one connection open at any time");
        assertEquals(0, driver.open());
    }
}

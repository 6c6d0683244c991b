package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar poolkit.jar demo}, the README's main command: pool-shell's demo runs on the launcher's main thread
 * and its exit code is the process's.
 */
class DemoIT {

    /**
     * Six phases of 4 s (the default, as the README runs it) and the start; the bound only keeps a hung demo from
     * hanging the build. Shorter phases are not safe: the first one must commit a transaction, and creating the Derby
     * database alone has taken over a second on a busy machine.
     */
    private static final Duration DEMO = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void demoSwapsEveryStrategyUnderLoadAndExitsZero() throws Exception {
        try (RunningJar demo = RunningJar.start(work, "demo")) {
            assertEquals(0, demo.awaitExit(DEMO), demo.output());
            String output = demo.output();
            int table = output.indexOf("PHASE  STRATEGY");
            assertTrue(table >= 0, "the demo prints its final table:\n" + output);
            for (String strategy : new String[] {"queue", "null", "static", "threadlocal"}) {
                assertTrue(output.indexOf("  " + strategy + "  ", table) > 0,
                        "the final table has a " + strategy + " phase:\n" + output);
            }
            assertTrue(output.contains("demo passed"), output);
            assertFalse(output.contains("[INFO]"), "the demo narrates itself; no INFO log lines:\n" + output);
        }
        assertTrue(Files.notExists(work.resolve("conf")), "the demo needs no conf/");
    }
}

package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar poolkit.jar demo}, the README's main command: pool-shell's demo runs on the launcher's main thread
 * and its exit code is the process's.
 */
class DemoIT {

    /** Six phases of one second (poolkit.demo.seconds) and the start; the bound only keeps a hung demo from
     * hanging the build. */
    private static final Duration DEMO = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void demoSwapsEveryStrategyUnderLoadAndExitsZero() throws Exception {
        try (RunningJar demo = RunningJar.start(List.of("-Dpoolkit.demo.seconds=1"), work, "demo")) {
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

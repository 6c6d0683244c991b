package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar poolkit.jar demo}, the README's main command: pool-shell's demo runs on the launcher's main thread
 * and its exit code is the process's.
 */
class DemoIT {

    /** The demo runs its phases for some seconds each; this bound only keeps a hung demo from hanging the build. */
    private static final Duration DEMO = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void demoSwapsEveryStrategyUnderLoadAndExitsZero() throws Exception {
        try (JarFile jar = new JarFile(System.getProperty("poolkit.jar"))) {
            // TODO(pool-shell): remove once pool-shell (branch shell) is merged and embedded; it provides the demo.
            assumeTrue(jar.getEntry("bundles/pool-shell.jar") != null, "pool-shell is not in poolkit.jar yet");
        }
        try (RunningJar demo = RunningJar.start(work, "demo")) {
            assertEquals(0, demo.awaitExit(DEMO), demo.output());
            String output = demo.output();
            for (String strategy : new String[] {"queue", "null", "static", "threadlocal"}) {
                assertTrue(output.contains(strategy), "the final table has a " + strategy + " phase:\n" + output);
            }
        }
        assertTrue(Files.notExists(work.resolve("conf")), "the demo needs no conf/");
    }
}

package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar poolkit.jar} as a user runs it, in an empty working directory: it creates conf/ with the sample,
 * starts the sample data source, takes Gogo commands on stdin, applies edits of the .cfg file live, and stops on
 * {@code stop 0}.
 */
class InteractiveRuntimeIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** FileInstall polls every second; the change is applied right after. */
    private static final Duration FILE_CHANGE = Duration.ofSeconds(10);
    private static final String SAMPLE = "org.poolkit.datasource-sample.cfg";

    @TempDir
    Path work;

    @Test
    void startsWithTheSampleDataSourceAndTakesGogoCommands() throws Exception {
        try (RunningJar jar = RunningJar.start(work)) {
            jar.await("Created " + work.toRealPath().resolve("conf"), START);
            int report = jar.await("Data sources (1 of the 1 configured in conf/", START);
            jar.await("sample, strategy queue", report, START);
            int prompt = jar.await("g! ", report, START);

            jar.send("lb");
            int end = jar.await("Gogo JLine Shell", prompt, START);
            String listed = jar.output().substring(prompt, end);
            for (String bundle : new String[] {"poolkit data source", "poolkit QueuePool strategy",
                    "Apache Felix File Install", "Apache Felix Declarative Services"}) {
                assertTrue(listed.contains("Active     |    1|" + bundle), "lb shows " + bundle + " active:\n" + listed);
            }

            jar.send("stop 0");
            assertEquals(0, jar.awaitExit(START), jar.output());
        }
        assertTrue(sample().contains("\ndataSourceName = sample\n"), "the sample keeps its keys:\n" + sample());
    }

    @Test
    void editingTheConfigurationFileSwitchesPoolSizeAndStrategyLive() throws Exception {
        try (RunningJar jar = RunningJar.start(work)) {
            int registered = jar.await("Data source 'sample' registered", START);

            edit("pool.size = 5", "pool.size = 3");
            int resized = jar.await("Pool 'sample' (queue) took new settings in place; Pool size: 3", registered,
                    FILE_CHANGE);

            edit("strategy = queue", "strategy = static");
            jar.await("Data source 'sample' swapped its pool: queue -> static", resized, FILE_CHANGE);

            jar.send("stop 0");
            assertEquals(0, jar.awaitExit(START), jar.output());
        }
    }

    @Test
    void helpPrintsTheUsageAndUnknownArgumentsFail() throws Exception {
        try (RunningJar jar = RunningJar.start(work, "--help")) {
            assertEquals(0, jar.awaitExit(START), jar.output());
            assertTrue(jar.output().startsWith("usage: java -jar poolkit.jar [demo | --help]"), jar.output());
        }
        try (RunningJar jar = RunningJar.start(work, "--bogus")) {
            assertEquals(2, jar.awaitExit(START), jar.output());
            assertTrue(jar.output().startsWith("poolkit: unknown argument(s): --bogus"), jar.output());
        }
        assertTrue(Files.notExists(work.resolve("conf")), "neither creates conf/");
    }

    private String sample() throws IOException {
        return Files.readString(work.resolve("conf").resolve(SAMPLE), StandardCharsets.UTF_8);
    }

    /** Rewrites the sample in one write, as an editor saving it would. */
    private void edit(String line, String replacement) throws IOException {
        String before = sample();
        assertTrue(before.contains("\n" + line + "\n"), "the sample has '" + line + "':\n" + before);
        Files.writeString(work.resolve("conf").resolve(SAMPLE), before.replace("\n" + line + "\n",
                "\n" + replacement + "\n"), StandardCharsets.UTF_8);
    }
}

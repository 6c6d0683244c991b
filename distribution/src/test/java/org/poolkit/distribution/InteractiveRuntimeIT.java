package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar poolkit.jar} as a user runs it, in an empty working directory: it creates conf/ with the sample,
 * starts the sample data source, takes Gogo commands on stdin (pool:set written back into the file), applies edits
 * of the .cfg file live, and stops on {@code stop 0}.
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
            String bundles = jar.output().substring(prompt, end);
            for (String bundle : new String[] {"poolkit data source", "poolkit shell", "poolkit QueuePool strategy",
                    "Apache Felix File Install", "Apache Felix Declarative Services"}) {
                assertTrue(bundles.contains("Active     |    1|" + bundle), "lb shows " + bundle + " active:\n" + bundles);
            }
            int listed = end;

            jar.send("pool:list");
            assertEquals(List.of("sample", "queue", "5", "0", "0", "-5", "active"), row(jar, listed, "sample"));

            // Configuration Admin changes are written back into the file they came from (FileInstall).
            jar.send("pool:set sample pool.size 4");
            int set = jar.await("sample: pool.size 5 -> 4 (applied in place)", listed, START);
            awaitInFile("\npool.size = 4\n");
            jar.send("stop 0");
            assertEquals(0, jar.awaitExit(START), jar.output().substring(set));
        }
        assertTrue(sample().contains("\ndataSourceName = sample\n"), "the sample keeps its keys:\n" + sample());
    }

    @Test
    void editingTheConfigurationFileSwitchesPoolSizeAndStrategyLive() throws Exception {
        // The sample as the jar writes it, but dated in the past: FileInstall writes every configuration it loads back
        // into its file, and an edit saved before that write-back would be overwritten by it, so the test waits for
        // the write-back (the file's time changes) before each edit, as a person editing by hand always does.
        Path sample = work.resolve("conf").resolve(SAMPLE);
        Files.createDirectories(sample.getParent());
        try (InputStream in = Main.class.getResourceAsStream(SAMPLE)) {
            Files.copy(in, sample);
        }
        FileTime past = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(sample, past);
        try (RunningJar jar = RunningJar.start(work)) {
            int registered = jar.await("Data source 'sample' registered", START);
            awaitWrittenBack(sample, past);

            FileTime edited = edit("pool.size = 5", "pool.size = 3");
            int resized = jar.await("Pool 'sample' (queue) took new settings in place; Pool size: 3", registered,
                    FILE_CHANGE);
            awaitWrittenBack(sample, edited);

            edit("strategy = queue", "strategy = static");
            int swapped = jar.await("Data source 'sample' swapped its pool: queue -> static", resized, FILE_CHANGE);

            jar.send("pool:list");
            assertEquals(List.of("sample", "static"), row(jar, swapped, "sample").subList(0, 2));

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

    private static void awaitWrittenBack(Path file, FileTime before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + FILE_CHANGE.toNanos();
        while (Files.getLastModifiedTime(file).equals(before)) {
            if (System.nanoTime() > deadline) {
                fail("FileInstall did not write the configuration back into " + file);
            }
            Thread.sleep(50);
        }
    }

    /** @return the words of the first line, after {@code from}, that starts with {@code name} and a space */
    private static List<String> row(RunningJar jar, int from, String name) throws InterruptedException {
        int start = jar.await("\n" + name + " ", from, START) - name.length() - 1;
        int end = jar.await("\n", start, START);
        return List.of(jar.output().substring(start, end).strip().split("\\s+"));
    }

    /** Waits until FileInstall wrote the expected text into the sample (it writes back Configuration Admin updates). */
    private void awaitInFile(String expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + FILE_CHANGE.toNanos();
        while (!sample().contains(expected)) {
            if (System.nanoTime() > deadline) {
                fail("the sample never got '" + expected.strip() + "':\n" + sample());
            }
            Thread.sleep(100);
        }
    }

    private String sample() throws IOException {
        return Files.readString(work.resolve("conf").resolve(SAMPLE), StandardCharsets.UTF_8);
    }

    /**
     * Rewrites the sample in one write, as an editor saving it would, once the line to change is in it.
     *
     * @return the file's time after the write
     */
    private FileTime edit(String line, String replacement) throws IOException, InterruptedException {
        // FileInstall's write-back truncates the file before it writes: its new time can show before its content.
        awaitInFile("\n" + line + "\n");
        String before = sample();
        Files.writeString(work.resolve("conf").resolve(SAMPLE), before.replace("\n" + line + "\n",
                "\n" + replacement + "\n"), StandardCharsets.UTF_8);
        return Files.getLastModifiedTime(work.resolve("conf").resolve(SAMPLE));
    }
}

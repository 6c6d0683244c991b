package org.poolkit.itests.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What the reliability tests measured, one line per scenario, appended to {@code target/reliability-figures.md} and
 * printed: the figures RELIABILITY.md quotes come from here, not from anyone's memory.
 *
 * <p>Thread-safe.
 */
final class Figures {

    private static final Path FILE = Path.of("target", "reliability-figures.md");
    private static final Object LOCK = new Object();

    static {
        try {
            // One run's figures: a stale line from an earlier run would pass for a measurement of this one.
            Files.deleteIfExists(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Figures() {
    }

    /**
     * @param scenario  what was done
     * @param database  where
     * @param checkouts checkouts run
     * @param faults    faults injected (backends killed, connections refused, timeouts, invalidations, exceptions)
     * @param failures  failures the holders saw
     * @param leaked    connections left open on the server or in the pool after dispose
     * @param detail    anything else worth knowing (time taken, counts on the server)
     */
    static void record(String scenario, String database, long checkouts, long faults, long failures, long leaked,
            String detail) {
        String line = String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %s |%n", scenario, database,
                checkouts, faults, failures, leaked, detail);
        synchronized (LOCK) {
            System.out.print("FIGURES " + line);
            try {
                Files.createDirectories(FILE.getParent());
                if (!Files.exists(FILE)) {
                    Files.writeString(FILE, "| scenario | database | checkouts | faults injected | failures seen by "
                            + "holders | connections leaked | detail |\n|---|---|---|---|---|---|---|\n",
                            StandardCharsets.UTF_8);
                }
                Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

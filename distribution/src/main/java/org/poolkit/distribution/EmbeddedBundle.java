package org.poolkit.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One bundle packed into poolkit.jar under {@code bundles/}, as {@code bundles.list} names it. Immutable.
 *
 * @param jarName the file name under {@code bundles/}
 * @param phase   when the launcher starts it
 */
record EmbeddedBundle(String jarName, Phase phase) {

    /** When a bundle is started. */
    enum Phase {
        /** In every mode, the demo included. */
        ALWAYS,
        /** Only in the interactive runtime (the conf/ watcher). */
        INTERACTIVE,
        /** Only in the interactive runtime, after the launcher printed what runs: the console owns the terminal. */
        CONSOLE
    }

    private static final String LIST = "bundles.list";

    /** @return the location the bundle is installed under; {@code lb -l} shows it */
    String location() {
        return "poolkit.jar!/bundles/" + jarName;
    }

    InputStream open() throws IOException {
        InputStream in = EmbeddedBundle.class.getResourceAsStream("/bundles/" + jarName);
        if (in == null) {
            throw new IOException("bundles/" + jarName + " is listed in " + LIST + " but missing from the jar");
        }
        return in;
    }

    /** @return the bundles in install order; lines are {@code <jar> [interactive|console]}, {@code #} comments */
    static List<EmbeddedBundle> readList() throws IOException {
        InputStream in = EmbeddedBundle.class.getResourceAsStream(LIST);
        if (in == null) {
            throw new IOException(LIST + " is missing from the jar");
        }
        List<EmbeddedBundle> bundles = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] words = trimmed.split("\\s+");
                Phase phase = words.length > 1 ? Phase.valueOf(words[1].toUpperCase(Locale.ROOT))
                        : Phase.ALWAYS;
                bundles.add(new EmbeddedBundle(words[0], phase));
            }
        }
        return bundles;
    }
}

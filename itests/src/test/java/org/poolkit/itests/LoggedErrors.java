package org.poolkit.itests;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The error lines the framework and its bundles print, collected so that tests can assert on them. Pax Exam's
 * native container runs the framework in the test JVM, where pax-logging-api (no backend installed) and Felix print
 * to {@code System.out} and {@code System.err}; both are teed, line by line, from before the framework starts.
 *
 * <p>The list lives in the JVM's system properties: the host side (which installs the tee) and the test class inside
 * the framework (which reads it) are loaded by different class loaders, and a JDK list is what both can see.
 */
final class LoggedErrors {

    private static final String KEY = "poolkit.itests.loggedErrors";

    private LoggedErrors() {
    }

    /** Starts collecting (once per JVM) and forgets what an earlier test class collected. Host side. */
    static synchronized void startCollecting() {
        List<String> lines = lines();
        if (lines == null) {
            lines = new CopyOnWriteArrayList<>();
            System.getProperties().put(KEY, lines);
            System.setOut(tee(System.out, lines));
            System.setErr(tee(System.err, lines));
        }
        lines.clear();
    }

    /** @return the error lines printed since the test class's framework started, or null if not collecting */
    @SuppressWarnings("unchecked")
    static List<String> lines() {
        return (List<String>) System.getProperties().get(KEY);
    }

    private static PrintStream tee(PrintStream original, List<String> errors) {
        OutputStream lineWatcher = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                original.write(b);
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (text.contains("ERROR :") || text.startsWith("ERROR:")) {
                        errors.add(text);
                    }
                } else {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(lineWatcher, true, StandardCharsets.UTF_8);
    }
}

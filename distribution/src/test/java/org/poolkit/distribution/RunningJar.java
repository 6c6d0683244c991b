package org.poolkit.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * poolkit.jar started as a child process in a working directory of the test's: its output (stdout and stderr
 * together) is collected as it comes, commands go to its stdin. {@link #close} kills it if it still runs, so no test
 * leaves a JVM behind.
 *
 * <p>Used by one test thread; the output is written by a reader thread and read under this object's lock.
 */
final class RunningJar implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("poolkit.jar", "target/poolkit.jar"));
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private final Process process;
    private final StringBuilder output = new StringBuilder();

    private RunningJar(Process process) {
        this.process = process;
        Thread reader = new Thread(this::collect, "poolkit.jar output");
        reader.setDaemon(true);
        reader.start();
    }

    static RunningJar start(Path workingDirectory, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .start();
        return new RunningJar(process);
    }

    /** Types a line into the console. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Waits until the output, from {@code from} on, contains {@code expected}.
     *
     * @return the index just past the match, to look for what comes after it
     */
    int await(String expected, int from, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                int at = output.indexOf(expected, from);
                if (at >= 0) {
                    return at + expected.length();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("poolkit.jar did not print '" + expected + "' within " + timeout.toSeconds() + " s; its "
                            + "output from the point looked at:\n" + output.substring(Math.min(from, output.length())));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    int await(String expected, Duration timeout) throws InterruptedException {
        return await(expected, 0, timeout);
    }

    /** @return the exit code, failing the test if the process does not exit within the timeout */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("poolkit.jar did not exit within " + timeout.toSeconds() + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    synchronized String output() {
        return output.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void collect() {
        char[] buffer = new char[8192];
        try (Reader out = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
            for (int read = out.read(buffer); read >= 0; read = out.read(buffer)) {
                synchronized (this) {
                    output.append(buffer, 0, read);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was killed: nothing more to read.
        }
    }
}

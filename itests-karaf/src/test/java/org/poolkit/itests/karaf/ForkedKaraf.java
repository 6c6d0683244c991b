package org.poolkit.itests.karaf;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Ends the Karaf JVMs this module's tests forked. Pax Exam starts Karaf as a child process and leaves it running when
 * Karaf does not come up in time (research/osgi-matrix.md K4), and a test JVM that is killed never gets to stop it;
 * such a Karaf keeps its ports and its CPU until someone kills it. Every Karaf this module starts is unpacked below
 * one directory of its own (target/exam), which its command line names, so that directory identifies them.
 * Thread-safe.
 */
final class ForkedKaraf {

    private static final long EXIT_WAIT_SECONDS = 10;
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private ForkedKaraf() {
    }

    /**
     * Kills what an earlier run left behind, then makes this JVM kill, when it exits, every Karaf still running
     * from that directory: after a failed start as well as after a test run that did not stop its container.
     *
     * @param examDirectory the directory Pax Exam unpacks Karaf into (unpackDirectory)
     */
    static void endWithThisJvm(Path examDirectory) {
        if (HOOKED.compareAndSet(false, true)) {
            kill(examDirectory);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> kill(examDirectory), "end forked Karaf"));
        }
    }

    /** Kills (SIGKILL) every process whose command line names the directory, and waits a bounded time for each. */
    static void kill(Path examDirectory) {
        List<ProcessHandle> karafs = running(examDirectory);
        for (ProcessHandle karaf : karafs) {
            System.err.println("ForkedKaraf: killing Karaf JVM " + karaf.pid() + " started from " + examDirectory);
            karaf.destroyForcibly();
        }
        for (ProcessHandle karaf : karafs) {
            try {
                karaf.onExit().get(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                System.err.println("ForkedKaraf: Karaf JVM " + karaf.pid() + " did not exit within "
                        + EXIT_WAIT_SECONDS + " s of SIGKILL");
            }
        }
    }

    /** @return the running processes, other than this JVM, whose command line names the directory */
    static List<ProcessHandle> running(Path examDirectory) {
        String directory = examDirectory.toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(process -> process.pid() != self)
                .filter(process -> process.info().commandLine().map(line -> line.contains(directory)).orElse(false))
                .collect(Collectors.toList());
    }
}

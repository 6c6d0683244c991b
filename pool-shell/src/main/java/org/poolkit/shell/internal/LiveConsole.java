package org.poolkit.shell.internal;

import java.io.PrintStream;

import org.apache.felix.service.command.Job;

/**
 * Pushes what a command has printed so far out to the user's terminal. Gogo (in Felix and in Karaf's console alike)
 * writes a command's {@code System.out} into the session's terminal stream, which jline buffers and flushes only when
 * the prompt comes back: without this, {@code pool:watch} and the progress line of {@code load} and {@code demo} would
 * show nothing until they end. The session's console wraps that same terminal stream, so flushing it pushes the
 * command's lines out in order. Outside a Gogo job (the demo run by the launcher, unit tests) only {@code out} is
 * flushed.
 */
final class LiveConsole {

    private LiveConsole() {
    }

    static void flush(PrintStream out) {
        out.flush();
        try {
            Job job = Job.Utils.current();
            if (job != null) {
                job.session().getConsole().flush();
            }
        } catch (NoClassDefFoundError e) {
            // Gogo's API is imported optionally: without a Gogo runtime there is no console but out.
        }
    }
}

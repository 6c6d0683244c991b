package org.poolkit.shell.internal;

import java.io.PrintStream;

/**
 * A line of progress that a terminal shows rewritten in place (carriage return) and captured output gets as one line
 * per update, so that a log or a pipe stays readable. Not thread-safe: the command's thread writes it.
 */
final class ProgressLine {

    private final PrintStream out;
    private final boolean terminal;
    private int shown;

    /**
     * @param out      where to write
     * @param terminal whether {@code out} is a terminal ({@code System.console() != null} is the usual guess)
     */
    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void update(String text) {
        if (terminal) {
            // Spaces wipe what is left of a longer previous line.
            out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
            shown = text.length();
        } else {
            out.println(text);
        }
        LiveConsole.flush(out);
    }

    /** Ends the line in place, so that what is printed next starts on a line of its own. */
    void end() {
        if (terminal && shown > 0) {
            out.println();
            shown = 0;
        }
    }
}

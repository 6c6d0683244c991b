package org.poolkit.shell.internal;

/**
 * A problem the shell user can fix: bad arguments, an unknown data source, a value the configuration would reject.
 * The command prints its message (and its usage line when {@link #showsUsage()}) instead of a stack trace.
 */
final class CommandError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean showsUsage;

    private CommandError(String message, boolean showsUsage) {
        super(message, null, false, false);
        this.showsUsage = showsUsage;
    }

    /** @return an error about the arguments as typed: the command prints its usage line too */
    static CommandError usage(String message) {
        return new CommandError(message, true);
    }

    /** @return an error about the state of things (no such data source, not active...): the message alone */
    static CommandError of(String message) {
        return new CommandError(message, false);
    }

    boolean showsUsage() {
        return showsUsage;
    }
}

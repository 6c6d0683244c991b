package org.poolkit.api;

import java.util.Locale;

/**
 * What the pool does to a connection's transaction when the connection is checked in.
 *
 * <p>The reset is JDBC-aware: a connection in auto-commit mode has no transaction to end, so neither style calls
 * the driver then. A reset that fails invalidates the connection instead of pooling a broken one.
 */
public enum ResetStyle {

    /** Roll back whatever the holder left uncommitted. The safe default. */
    ROLLBACK,

    /** Commit whatever the holder left uncommitted. For applications that rely on close-commits semantics. */
    COMMIT,

    /**
     * Leave the transaction alone. Only for connections always in auto-commit mode, or when a
     * {@link PoolEvents#reset} listener does its own reset. Note that a holder who turned auto-commit off and left
     * work open has it committed all the same: the pool restores auto-commit, and JDBC commits when it is turned on.
     */
    NONE;

    /**
     * Reads a style from its configuration name: {@code rollback}, {@code commit} or {@code none}, in any case.
     *
     * @param value the configured value
     * @return the style
     * @throws IllegalArgumentException naming the value when it is none of the three
     */
    public static ResetStyle parse(String value) {
        if (value != null) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "rollback":
                    return ROLLBACK;
                case "commit":
                    return COMMIT;
                case "none":
                    return NONE;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(
                "reset.on.return must be one of rollback, commit, none; was '" + value + "'");
    }
}

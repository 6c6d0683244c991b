package org.poolkit.api;

import java.sql.SQLRecoverableException;

/**
 * Thrown by a {@link PoolEvents#checkout} listener to say that the connection about to be handed out is dead.
 * The pool invalidates it, connects anew and runs the checkout listeners again; after
 * {@value #ATTEMPTS} attempts in all the checkout fails. SQLAlchemy's {@code DisconnectionError}.
 *
 * <p>SQLState {@code 08006}, as JDBC drivers report a connection failure.
 */
public class DisconnectionException extends SQLRecoverableException {

    private static final long serialVersionUID = 1L;

    /**
     * How many connections one checkout tries before it gives up. SQLAlchemy documents three and runs two; we run
     * the documented three.
     */
    public static final int ATTEMPTS = 3;

    /** Whether every older connection is to be replaced too. */
    private final boolean invalidatesPool;

    /**
     * @param message what was found
     */
    public DisconnectionException(String message) {
        this(message, false, null);
    }

    /**
     * @param message         what was found
     * @param invalidatesPool true when every connection opened before this one is suspect too (the server went
     *                        away): they are all replaced at their next checkout
     * @param cause           the driver's error, or {@code null}
     */
    public DisconnectionException(String message, boolean invalidatesPool, Throwable cause) {
        super(message, "08006", cause);
        this.invalidatesPool = invalidatesPool;
    }

    /** @return whether every older connection of the pool is to be replaced as well */
    public boolean invalidatesPool() {
        return invalidatesPool;
    }
}

package org.poolkit.api;

import java.sql.SQLTransientConnectionException;

/**
 * A checkout waited {@link PoolSettings#timeout()} and no connection became free. Transient: the same call may
 * succeed once connections come back. The message names the limits as SQLAlchemy words them and the counts that
 * explain them.
 */
public class PoolTimeoutException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** The counts when the wait ended. */
    private final PoolStatus status;

    /**
     * @param message the whole message, limits and counts included
     * @param status  the pool's counts when the wait ended
     */
    public PoolTimeoutException(String message, PoolStatus status) {
        super(message, "08001");
        this.status = status;
    }

    /** @return the pool's counts when the wait ended */
    public PoolStatus status() {
        return status;
    }
}

package org.poolkit.core;

import java.sql.Connection;
import java.sql.SQLException;

import org.poolkit.api.ResetState;
import org.poolkit.api.ResetStyle;

/**
 * Readies a returned connection for its next holder: closes the statements the holder left open, fires
 * {@code reset}, ends the transaction as the {@link ResetStyle} says — only outside auto-commit mode, where there is
 * one — and restores what the holder changed. Thread-safe: it keeps no state of its own.
 */
final class Reset {

    private final String poolName;
    private final ResetStyle style;
    private final Listeners listeners;

    Reset(String poolName, ResetStyle style, Listeners listeners) {
        this.poolName = poolName;
        this.style = style;
        this.listeners = listeners;
    }

    /** Resets a connection coming back to the pool; if that fails, invalidates it rather than pool a broken one. */
    void returned(Entry entry, Connection driver, ResetState state) {
        try {
            if (entry.statements.size() != 0) {
                SQLException leftOpen = entry.statements.closeAll();
                if (leftOpen != null) {
                    throw leftOpen;
                }
            }
            if (!listeners.isEmpty()) {
                listeners.reset(driver, entry, state);
            }
            if (!entry.autoCommit) {
                endTransaction(driver);
            }
            entry.restoreDefaults(driver);
        } catch (SQLException | RuntimeException e) {
            Engine.LOG.warn("Pool '{}': resetting a returned connection failed; invalidating it", poolName, e);
            entry.invalidate(e);
        }
    }

    /**
     * Resets a detached connection about to be closed. It is closed next anyway, so a failure is only logged. The
     * driver, not a record, says whether a transaction may be open: the handle that detached a shared connection
     * cannot know what other holders did to it before it became the sole one.
     */
    void detached(Connection driver, ResetState state) {
        try {
            if (!listeners.isEmpty()) {
                listeners.reset(driver, null, state);
            }
            if (!driver.getAutoCommit()) {
                endTransaction(driver);
            }
        } catch (SQLException | RuntimeException e) {
            Engine.LOG.debug("Pool '{}': resetting a detached connection before closing it failed", poolName, e);
        }
    }

    private void endTransaction(Connection driver) throws SQLException {
        if (style == ResetStyle.ROLLBACK) {
            driver.rollback();
        } else if (style == ResetStyle.COMMIT) {
            driver.commit();
        }
    }
}

package org.poolkit.core;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The driver statements a holder created through its {@link ConnectionHandle} and has not closed yet, so that the pool
 * can close them at checkin. It holds the driver's statements, not the holder's {@link StatementHandle}s: a handle
 * the holder dropped without closing must stay collectable, so that the pool notices the leak.
 *
 * <p>An array-backed list compared by identity. Adding allocates nothing unless the array must grow (it doubles from
 * eight). Removal scans from the tail because holders usually close statements in the reverse order of creation.
 *
 * <p>Not thread-safe: confined to the thread holding the connection.
 */
final class OpenStatements {

    private static final int INITIAL_CAPACITY = 8;

    private Statement[] statements = new Statement[INITIAL_CAPACITY];
    private int size;

    void add(Statement statement) {
        if (size == statements.length) {
            statements = Arrays.copyOf(statements, size * 2);
        }
        statements[size++] = statement;
    }

    /** Forgets {@code statement}; does nothing if it is not in the list. */
    void remove(Statement statement) {
        for (int i = size - 1; i >= 0; i--) {
            if (statements[i] == statement) {
                int after = size - 1 - i;
                if (after > 0) {
                    System.arraycopy(statements, i + 1, statements, i, after);
                }
                statements[--size] = null;
                return;
            }
        }
    }

    int size() {
        return size;
    }

    /** Forgets every statement without closing it: they left the pool with a detached connection. */
    void clear() {
        // Nothing written when empty, as at almost every checkin: the entry's lines stay shared in every core's cache.
        if (size != 0) {
            Arrays.fill(statements, 0, size, null);
            size = 0;
        }
    }

    /**
     * Closes every statement in the list, most recent first, and empties it. Never throws: every statement is closed
     * even if some fail.
     *
     * @return the first failure, with the later ones added to it as suppressed, or {@code null} if all closed cleanly
     */
    SQLException closeAll() {
        SQLException first = null;
        while (size > 0) {
            // Shrink before closing, so that the list stays consistent whatever a driver throws.
            Statement statement = statements[--size];
            statements[size] = null;
            SQLException failure = null;
            try {
                statement.close();
            } catch (SQLException e) {
                failure = e;
            } catch (RuntimeException e) {
                // A driver bug must not leave the remaining statements open or break checkin.
                failure = new SQLException("Closing a statement the holder left open failed", e);
            }
            if (failure == null) {
                continue;
            }
            if (first == null) {
                first = failure;
            } else if (failure != first) {
                // The same instance twice (a driver may reuse one) cannot suppress itself.
                first.addSuppressed(failure);
            }
        }
        return first;
    }
}

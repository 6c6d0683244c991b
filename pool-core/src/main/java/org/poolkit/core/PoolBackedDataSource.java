package org.poolkit.core;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

import org.poolkit.api.Pool;

/**
 * What {@link PoolDataSource} and {@link SwappableDataSource} share as {@link DataSource}s: the log writer and login
 * timeout the interface asks to keep, and unwrapping to the data source itself or to the pool it serves from.
 */
abstract class PoolBackedDataSource implements DataSource {

    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;

    /** @return the pool {@code getConnection()} would check out of now, or {@code null} if there is none */
    public abstract Pool pool();

    /** @return how {@link #unwrap} names this data source when it wraps nothing of the type asked for */
    abstract String describe();

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Kept for the interface's sake; a checkout waits as long as the pool's {@code timeout}. */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("org.poolkit");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Pool current = pool();
        if (iface.isInstance(current)) {
            return iface.cast(current);
        }
        throw new SQLException(describe() + " wraps neither a " + iface.getName() + " nor a subtype of it");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this) || iface.isInstance(pool());
    }
}

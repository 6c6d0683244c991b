package org.poolkit.api;

import java.time.Duration;

/**
 * The tunables of a pool, named as in the configuration (SQLAlchemy's {@code create_engine} pool options in OSGi's
 * dotted style). Immutable; change one value with the matching {@code with...} method.
 *
 * <p>Every value is checked when the record is made: a bad one fails at once with an
 * {@link IllegalArgumentException} that names the property and the value. Strategies read only the values that
 * concern them; a {@code null} pool ignores {@link #poolSize()}, for instance.
 *
 * @param name                    the pool's name in logs, errors and events (SQLAlchemy's {@code logging_name});
 *                                not blank
 * @param poolSize                {@code pool.size}: queue pools keep this many connections; thread-local pools this
 *                                many threads' connections. 0 means no limit. Default 5
 * @param maxOverflow             {@code max.overflow}: connections a queue pool may open beyond {@code poolSize};
 *                                -1 means no limit. Default 10
 * @param timeout                 {@code timeout}: how long a checkout waits for a connection when the pool is at its
 *                                limit. Zero fails at once. Default 30 s
 * @param useLifo                 {@code use.lifo}: hand out the most recently checked-in connection first, so that
 *                                surplus connections stay idle long enough for server-side timeouts to retire them.
 *                                Default false (first in, first out)
 * @param recycle                 {@code recycle}: a connection older than this is replaced when next checked out;
 *                                negative means never. Default never
 * @param prePing                 {@code pre.ping}: test each pooled connection with {@link java.sql.Connection#isValid}
 *                                before handing it out. Default false
 * @param resetOnReturn           {@code reset.on.return}: what checkin does to an open transaction. Default
 *                                {@link ResetStyle#ROLLBACK}
 * @param leakDetectionThreshold  {@code leak.detection.threshold}: a checkout held longer than this is logged as a
 *                                possible leak, with the stack of its checkout. Zero turns it off. Default off
 */
public record PoolSettings(String name, int poolSize, int maxOverflow, Duration timeout, boolean useLifo,
        Duration recycle, boolean prePing, ResetStyle resetOnReturn, Duration leakDetectionThreshold) {

    /** The {@link #recycle()} value that turns recycling off. */
    public static final Duration NEVER = Duration.ofSeconds(-1);

    private static final PoolSettings DEFAULTS = new PoolSettings("poolkit", 5, 10, Duration.ofSeconds(30), false,
            NEVER, false, ResetStyle.ROLLBACK, Duration.ZERO);

    /**
     * Checks every value; see the class description for what each means.
     *
     * @param name see {@link #name()}
     * @param poolSize see {@link #poolSize()}
     * @param maxOverflow see {@link #maxOverflow()}
     * @param timeout see {@link #timeout()}
     * @param useLifo see {@link #useLifo()}
     * @param recycle see {@link #recycle()}
     * @param prePing see {@link #prePing()}
     * @param resetOnReturn see {@link #resetOnReturn()}
     * @param leakDetectionThreshold see {@link #leakDetectionThreshold()}
     * @throws IllegalArgumentException naming the property and the value, when one is out of range
     */
    public PoolSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank; was '" + name + "'");
        }
        if (poolSize < 0) {
            throw new IllegalArgumentException("pool.size must be 0 (no limit) or more; was " + poolSize);
        }
        if (maxOverflow < -1) {
            throw new IllegalArgumentException("max.overflow must be -1 (no limit) or more; was " + maxOverflow);
        }
        requireNotNegative("timeout", timeout);
        if (recycle == null) {
            throw new IllegalArgumentException("recycle must not be null; use PoolSettings.NEVER to turn it off");
        }
        if (recycle.isNegative()) {
            recycle = NEVER;
        }
        if (resetOnReturn == null) {
            throw new IllegalArgumentException("reset.on.return must not be null");
        }
        requireNotNegative("leak.detection.threshold", leakDetectionThreshold);
    }

    /**
     * The defaults of the configuration table: {@code pool.size} 5, {@code max.overflow} 10, {@code timeout} 30 s,
     * FIFO, no recycle, no pre-ping, reset by rollback, no leak detection.
     *
     * @return the default settings, named {@code poolkit}
     */
    public static PoolSettings defaults() {
        return DEFAULTS;
    }

    /** @return whether connections are replaced by age ({@link #recycle()} is not negative) */
    public boolean recycles() {
        return !recycle.isNegative();
    }

    /** @return whether checkouts held past {@link #leakDetectionThreshold()} are logged */
    public boolean detectsLeaks() {
        return !leakDetectionThreshold.isZero();
    }

    /**
     * @param value the new name
     * @return a copy with that name
     */
    public PoolSettings withName(String value) {
        return new PoolSettings(value, poolSize, maxOverflow, timeout, useLifo, recycle, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code pool.size}
     * @return a copy with that size
     */
    public PoolSettings withPoolSize(int value) {
        return new PoolSettings(name, value, maxOverflow, timeout, useLifo, recycle, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code max.overflow}
     * @return a copy with that overflow
     */
    public PoolSettings withMaxOverflow(int value) {
        return new PoolSettings(name, poolSize, value, timeout, useLifo, recycle, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code timeout}
     * @return a copy with that timeout
     */
    public PoolSettings withTimeout(Duration value) {
        return new PoolSettings(name, poolSize, maxOverflow, value, useLifo, recycle, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code use.lifo}
     * @return a copy with that order
     */
    public PoolSettings withUseLifo(boolean value) {
        return new PoolSettings(name, poolSize, maxOverflow, timeout, value, recycle, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code recycle}, negative for never
     * @return a copy with that recycle age
     */
    public PoolSettings withRecycle(Duration value) {
        return new PoolSettings(name, poolSize, maxOverflow, timeout, useLifo, value, prePing, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code pre.ping}
     * @return a copy with pre-ping on or off
     */
    public PoolSettings withPrePing(boolean value) {
        return new PoolSettings(name, poolSize, maxOverflow, timeout, useLifo, recycle, value, resetOnReturn,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code reset.on.return}
     * @return a copy with that reset style
     */
    public PoolSettings withResetOnReturn(ResetStyle value) {
        return new PoolSettings(name, poolSize, maxOverflow, timeout, useLifo, recycle, prePing, value,
                leakDetectionThreshold);
    }

    /**
     * @param value the new {@code leak.detection.threshold}, zero for off
     * @return a copy with that threshold
     */
    public PoolSettings withLeakDetectionThreshold(Duration value) {
        return new PoolSettings(name, poolSize, maxOverflow, timeout, useLifo, recycle, prePing, resetOnReturn,
                value);
    }

    private static void requireNotNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be zero or more; was " + value);
        }
    }
}

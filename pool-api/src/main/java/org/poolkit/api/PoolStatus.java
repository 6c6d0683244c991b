package org.poolkit.api;

/**
 * A snapshot of a pool's counts. The counts are read without stopping the pool, so under load they may be a few
 * operations apart from each other.
 *
 * @param pool       the pool's name
 * @param strategy   the strategy's name: {@code queue}, {@code null}, {@code static}, {@code threadlocal},
 *                   {@code assertion}
 * @param size       the number of connections the strategy keeps ({@code pool.size}), 0 for no limit
 * @param checkedIn  entries idle in the pool, ready for a checkout
 * @param checkedOut entries held by callers
 * @param overflow   SQLAlchemy's overflow counter: entries that exist or are being opened, minus {@code size};
 *                   negative while the pool has not filled up. 0 for strategies without overflow
 * @param waiting    callers waiting for a connection
 * @param open       driver connections the pool has open now (detached ones are no longer the pool's)
 * @param summary    the status line as SQLAlchemy words it for this strategy, for logs and consoles
 */
public record PoolStatus(String pool, String strategy, int size, int checkedIn, int checkedOut, int overflow,
        int waiting, int open, String summary) {

    /** @return {@link #summary()}, the line SQLAlchemy's {@code Pool.status()} would print */
    @Override
    public String toString() {
        return summary;
    }
}

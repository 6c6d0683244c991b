package org.poolkit.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanosecond clock that moves only when a test moves it, for tests of recycle, timeouts and leak detection that
 * must not sleep. Usable wherever the pool takes a {@link LongSupplier} in place of {@link System#nanoTime()}.
 *
 * <p>Like {@code System.nanoTime()} its value has no meaning on its own, only differences do, and it wraps on
 * overflow; start it near {@link Long#MAX_VALUE} to test that the pool copes with the wrap.
 *
 * <p>Thread-safe.
 */
public final class FakeClock implements LongSupplier {

    private final AtomicLong nanos;

    /** A clock that reads 0 until it is moved. */
    public FakeClock() {
        this(0L);
    }

    /**
     * @param startNanos the first value the clock reads
     */
    public FakeClock(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    /** @return the current time in nanoseconds */
    public long nanoTime() {
        return nanos.get();
    }

    /** @return {@link #nanoTime()} */
    @Override
    public long getAsLong() {
        return nanos.get();
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far; zero is allowed
     * @return the time after the move, in nanoseconds
     * @throws IllegalArgumentException if {@code amount} is negative: a monotonic clock never goes back (use
     *                                  {@link #set(long)} to test a clock that misbehaves)
     * @throws ArithmeticException      if {@code amount} does not fit in a {@code long} of nanoseconds
     */
    public long advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + amount);
        }
        return nanos.addAndGet(amount.toNanos());
    }

    /**
     * Sets the clock to any value, backwards included.
     *
     * @param nanoTime the value the clock reads from now on
     */
    public void set(long nanoTime) {
        nanos.set(nanoTime);
    }

    @Override
    public String toString() {
        return "FakeClock[" + nanos.get() + " ns]";
    }
}

package org.poolkit.shell.internal;

/**
 * Counts latencies in nanoseconds in log-linear buckets, so that percentiles of millions of samples cost a fixed
 * 15 KB: values below 64 ns are kept exactly, larger ones in 32 buckets per power of two, so a percentile is
 * reported at most 1/32 (about 3%) above the true sample and never below it. The maximum is kept exactly.
 *
 * <p>Not thread-safe: each load thread records into its own, and the recorders are {@link #add}ed once the threads
 * are done.
 */
final class LatencyRecorder {

    private static final int EXACT = 64;
    private static final int SUB_BUCKET_BITS = 5;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** 64 exact values, then 32 buckets for each exponent from 6 to 62. */
    private static final int BUCKETS = EXACT + (63 - 6) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** @param nanos a latency; negative values (a clock that stepped back) count as 0 */
    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[index(value)]++;
        total++;
        max = Math.max(max, value);
    }

    /** Adds another recorder's samples to this one's. */
    void add(LatencyRecorder other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /**
     * @param fraction between 0 (exclusive) and 1 (inclusive): 0.5 for the median, 0.99 for p99
     * @return the nearest-rank percentile: the {@code ceil(fraction * count)}-th smallest sample, rounded up to the
     *         highest value of its bucket and capped at the maximum; 0 when nothing was recorded
     */
    long percentile(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1]; was " + fraction);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestValueIn(i), max);
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < EXACT) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int shift = exponent - SUB_BUCKET_BITS;
        int sub = (int) (value >>> shift) - SUB_BUCKETS;
        return EXACT + (exponent - 6) * SUB_BUCKETS + sub;
    }

    static long highestValueIn(int index) {
        if (index < EXACT) {
            return index;
        }
        int exponent = (index - EXACT) / SUB_BUCKETS + 6;
        int sub = (index - EXACT) % SUB_BUCKETS;
        int shift = exponent - SUB_BUCKET_BITS;
        long lowest = (long) (SUB_BUCKETS + sub) << shift;
        return lowest + (1L << shift) - 1;
    }
}

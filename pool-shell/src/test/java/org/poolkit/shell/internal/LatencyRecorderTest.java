package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Percentiles from buckets: exact for small values, never below the true sample, at most 1/32 above it. */
class LatencyRecorderTest {

    @Test
    void valuesBelowSixtyFourNanosecondsAreExact() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (long value = 1; value <= 50; value++) {
            recorder.record(value);
        }
        assertEquals(25, recorder.percentile(0.5));
        assertEquals(50, recorder.percentile(0.99));
        assertEquals(50, recorder.percentile(1));
        assertEquals(50, recorder.count());
    }

    @Test
    void aPercentileIsNeverBelowTheTrueSampleAndAtMostOneThirtySecondAbove() {
        Random random = new Random(42);
        long[] samples = new long[100_000];
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < samples.length; i++) {
            // From tens of nanoseconds to seconds.
            samples[i] = (long) Math.pow(10, 1 + random.nextDouble() * 8);
            recorder.record(samples[i]);
        }
        Arrays.sort(samples);
        for (double fraction : new double[] {0.01, 0.5, 0.9, 0.99, 0.999}) {
            long truth = samples[(int) Math.ceil(fraction * samples.length) - 1];
            long reported = recorder.percentile(fraction);
            assertTrue(reported >= truth, "p" + fraction + ": " + reported + " below the true " + truth);
            assertTrue(reported <= truth + truth / 32, "p" + fraction + ": " + reported + " too far above " + truth);
        }
        assertEquals(samples[samples.length - 1], recorder.max());
        assertEquals(samples[samples.length - 1], recorder.percentile(1), "the maximum caps the last bucket");
    }

    /**
     * Against an exact sort of random samples, from one sample to many: p50 and p99 are the nearest-rank sample
     * ({@code ceil(p * n)}-th smallest) rounded up to its bucket's highest value, capped at the maximum. One rank off
     * either way shows here, as the samples are spread over more buckets than there are samples.
     */
    @Test
    void p50AndP99AreTheNearestRankSampleOfAnExactSortRoundedUpToItsBucket() {
        Random random = new Random(7);
        for (int n : new int[] {1, 2, 3, 7, 10, 99, 100, 101, 199, 200, 1_001, 12_345}) {
            long[] samples = new long[n];
            LatencyRecorder recorder = new LatencyRecorder();
            for (int i = 0; i < n; i++) {
                samples[i] = 100 + random.nextInt(10_000_000);
                recorder.record(samples[i]);
            }
            Arrays.sort(samples);
            long max = samples[n - 1];
            long p50 = samples[(n + 1) / 2 - 1];
            long p99 = samples[(99 * n + 99) / 100 - 1];
            assertEquals(Math.min(LatencyRecorder.highestValueIn(LatencyRecorder.index(p50)), max),
                    recorder.percentile(0.5), "p50 of " + n);
            assertEquals(Math.min(LatencyRecorder.highestValueIn(LatencyRecorder.index(p99)), max),
                    recorder.percentile(0.99), "p99 of " + n);
        }
    }

    @Test
    void everyBucketHoldsTheValuesThatMapToIt() {
        for (long value : new long[] {63, 64, 65, 127, 128, 1_000, 123_456_789, Long.MAX_VALUE}) {
            int index = LatencyRecorder.index(value);
            assertTrue(LatencyRecorder.highestValueIn(index) >= value, "bucket of " + value);
            assertTrue(index == 0 || LatencyRecorder.highestValueIn(index - 1) < value, "bucket before " + value);
        }
    }

    @Test
    void addedRecordersCountAsOne() {
        LatencyRecorder first = new LatencyRecorder();
        LatencyRecorder second = new LatencyRecorder();
        for (int i = 0; i < 99; i++) {
            first.record(10);
        }
        second.record(1_000_000);
        first.add(second);

        assertEquals(100, first.count());
        assertEquals(10, first.percentile(0.99));
        assertEquals(1_000_000, first.percentile(1));
        assertEquals(1_000_000, first.max());
    }

    @Test
    void nothingRecordedReadsZeroAndABadFractionIsRefused() {
        LatencyRecorder recorder = new LatencyRecorder();
        assertEquals(0, recorder.percentile(0.5));
        recorder.record(-5);
        assertEquals(0, recorder.percentile(1), "a clock that stepped back counts as 0");
        assertThrows(IllegalArgumentException.class, () -> recorder.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> recorder.percentile(1.5));
    }
}

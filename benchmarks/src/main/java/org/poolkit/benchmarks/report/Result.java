package org.poolkit.benchmarks.report;

import java.util.Map;

/**
 * One JMH score, as the results page needs it.
 *
 * @param benchmark the benchmark method's name, e.g. {@code connectionCycle}
 * @param pool      the pool parameter; for the swap benchmark, whether it swapped
 * @param size      the pool size, or 0 where the benchmark fixes it
 * @param threads   the benchmark threads
 * @param score     the throughput, or a sampled benchmark's mean time
 * @param error     JMH's 99.9 % error margin, NaN with a single iteration
 * @param unit      the score's unit, e.g. {@code ops/us}
 * @param jdk       the JDK the trial ran on
 * @param percentiles a sampled benchmark's latency percentiles by JMH's key ({@code "50.0"}, ..., {@code "100.0"});
 *                    empty for a throughput benchmark
 */
record Result(String benchmark, String pool, int size, int threads, double score, double error, String unit,
        String jdk, Map<String, Double> percentiles) {
}

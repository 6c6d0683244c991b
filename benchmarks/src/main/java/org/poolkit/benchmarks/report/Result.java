package org.poolkit.benchmarks.report;

/**
 * One JMH score, as the results page needs it.
 *
 * @param benchmark the benchmark method's name, e.g. {@code connectionCycle}
 * @param pool      the pool parameter
 * @param size      the pool size, or 0 where the benchmark fixes it
 * @param threads   the benchmark threads
 * @param score     the throughput
 * @param error     JMH's 99.9 % error margin, NaN with a single iteration
 * @param unit      the score's unit, e.g. {@code ops/us}
 * @param jdk       the JDK the trial ran on
 */
record Result(String benchmark, String pool, int size, int threads, double score, double error, String unit,
        String jdk) {
}

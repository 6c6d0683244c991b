package org.poolkit.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.poolkit.api.PoolStatus;
import org.poolkit.datasource.ManagedDataSource;

/**
 * One {@code pool:load}: a {@link Workload} for a given time, a progress line each second, then the summary:
 * transactions, failures, and the median and 99th percentile of {@code getConnection()}. An interrupt ends it early
 * with the summary of what ran. Confined to the command's thread.
 */
final class LoadRun {

    private final ManagedDataSource managed;
    private final DataSource dataSource;
    private final int threads;
    private final Duration length;
    private final Duration stopBound;

    LoadRun(ManagedDataSource managed, DataSource dataSource, int threads, Duration length, Duration stopBound) {
        this.managed = managed;
        this.dataSource = dataSource;
        this.threads = threads;
        this.length = length;
        this.stopBound = stopBound;
    }

    void run(ProgressLine progress, PrintStream out) {
        Workload workload = new Workload("poolkit-load-" + managed.name(), dataSource, threads);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        boolean interrupted = false;
        LatencyRecorder latencies;
        try {
            for (long now = start; now - end < 0; now = System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(TimeUnit.SECONDS.toNanos(1), end - now));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
                progress.update(progress(System.nanoTime() - start, workload.totals()));
            }
        } finally {
            latencies = workload.stop(stopBound);
            progress.end();
        }
        summary(out, System.nanoTime() - start, workload.totals(), latencies, interrupted);
    }

    private String progress(long elapsedNanos, Workload.Totals totals) {
        String counts = managed.pool().map(pool -> {
            PoolStatus status = pool.status();
            return status.strategy() + " out " + status.checkedOut() + " idle " + status.checkedIn() + " open "
                    + status.open();
        }).orElse(Formats.state(managed));
        return "load '" + managed.name() + "': " + TimeUnit.NANOSECONDS.toSeconds(elapsedNanos) + "/"
                + length.toSeconds() + " s  tx " + totals.transactions() + "  failed " + totals.failures() + "  "
                + counts;
    }

    private void summary(PrintStream out, long elapsedNanos, Workload.Totals totals, LatencyRecorder latencies,
            boolean interrupted) {
        double seconds = elapsedNanos / 1e9;
        out.println("load on '" + managed.name() + "': " + threads + " thread" + (threads == 1 ? "" : "s") + ", "
                + String.format(Locale.ROOT, "%.1f", seconds) + " s" + (interrupted ? " (interrupted)" : ""));
        Table table = new Table("transactions", totals.transactions() + " ("
                + String.format(Locale.ROOT, "%.0f", totals.transactions() / seconds) + "/s)");
        table.row("failures", totals.failures() + " (getConnection " + totals.failedCheckouts() + ", statement "
                + totals.failedStatements() + ")");
        table.row("getConnection", "p50 " + Formats.latency(latencies.percentile(0.5)) + ", p99 "
                + Formats.latency(latencies.percentile(0.99)) + ", max " + Formats.latency(latencies.max()));
        if (totals.firstFailure() != null) {
            table.row("first failure", totals.firstFailure());
        }
        table.print(out);
    }
}

package org.poolkit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.poolkit.benchmarks.report.Report;

/**
 * Runs every benchmark the results page shows and writes the page: the cycles at 1, 2 and 8 threads, Derby, the
 * latency of checkouts while the strategy is swapped (2 and 8 threads), and —
 * given a JDK with virtual threads — {@value VirtualThreadBench#THREADS} virtual threads sharing
 * {@value VirtualThreadBench#POOL_SIZE} connections. Each part's JMH results go to a
 * JSON file in the output folder, and {@link Report} turns those files into {@code BENCHMARKS.md} and its chart.
 *
 * <pre>
 * java -cp benchmarks.jar org.poolkit.benchmarks.Suite [--smoke] [--out DIR] [--page FILE] [--vt-java PATH]
 * </pre>
 *
 * {@code --smoke} runs every benchmark once, briefly, in this JVM, and fails on the first error: a check that the
 * benchmarks work, not a measurement. {@code --vt-java} names the {@code java} of a JDK 21+ for the virtual-thread
 * run; without it the run happens only when this JVM has virtual threads.
 */
public final class Suite {

    static final int[] THREADS = {1, 2, 8};
    static final int[] SWAP_THREADS = {2, 8};

    private final boolean smoke;
    private final Path out;
    private final String virtualThreadJava;

    private Suite(boolean smoke, Path out, String virtualThreadJava) {
        this.smoke = smoke;
        this.out = out;
        this.virtualThreadJava = virtualThreadJava;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path out = Paths.get("benchmarks", "target", "results");
        Path page = null;
        String vtJava = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke":
                    smoke = true;
                    break;
                case "--out":
                    out = Paths.get(args[++i]);
                    break;
                case "--page":
                    page = Paths.get(args[++i]);
                    break;
                case "--vt-java":
                    vtJava = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + args[i]
                            + "'; use --smoke, --out DIR, --page FILE, --vt-java PATH");
            }
        }
        Files.createDirectories(out);
        List<Path> results = new Suite(smoke, out, vtJava).run();
        if (page == null) {
            page = smoke ? out.resolve("BENCHMARKS.md") : Paths.get("BENCHMARKS.md");
        }
        Path chart = smoke ? out.resolve("benchmarks.png") : Paths.get("benchmarks", "benchmarks.png");
        int scores = Report.write(results, page, chart, smoke);
        System.out.println("Wrote " + page.toAbsolutePath() + " and " + chart.toAbsolutePath());
        if (smoke) {
            // The closing line CI reads: every benchmark and parameter combination that ran and scored.
            System.out.println("benchmarks: " + scores + " passed, 0 failed");
        }
    }

    private List<Path> run() throws RunnerException, IOException {
        List<Path> results = new ArrayList<>();
        int[] threadCounts = smoke ? new int[] {8} : THREADS;
        for (int threads : threadCounts) {
            results.add(run("cycles-" + threads + "t", base().include(CycleBench.class.getName()).threads(threads)));
        }
        for (int threads : threadCounts) {
            results.add(run("least-work-" + threads + "t",
                    base().include(SharedWordBench.class.getName()).threads(threads)));
        }
        for (int threads : threadCounts) {
            results.add(run("derby-" + threads + "t", base().include(DerbyBench.class.getName()).threads(threads)));
        }
        for (int threads : smoke ? threadCounts : SWAP_THREADS) {
            results.add(run("swap-" + threads + "t", base().include(SwapBench.class.getName()).threads(threads)));
        }
        if (virtualThreadJava != null && !Files.isExecutable(Paths.get(virtualThreadJava))) {
            System.out.println("Skipping the virtual-thread run: " + virtualThreadJava + " is not an executable java");
        } else if (virtualThreadJava != null || Runtime.version().feature() >= 21) {
            ChainedOptionsBuilder options = base().include(VirtualThreadBench.class.getName());
            if (virtualThreadJava != null) {
                options.jvm(virtualThreadJava);
            }
            if (smoke) {
                // Another JVM cannot run in-process: fork once, briefly.
                options.forks(1);
            }
            results.add(run("virtual-threads", options));
        } else {
            System.out.println("Skipping the virtual-thread run: Java " + Runtime.version().feature()
                    + " has no virtual threads; pass --vt-java with the java of a JDK 21 or newer");
        }
        return results;
    }

    private ChainedOptionsBuilder base() {
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true);
        if (smoke) {
            // Every benchmark once, briefly, in this JVM: enough to prove it runs, nothing to read into.
            return options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(100));
        }
        return options.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                .measurementTime(TimeValue.seconds(1));
    }

    private Path run(String name, ChainedOptionsBuilder options) throws RunnerException {
        Path file = out.resolve(name + ".json");
        new Runner(options.resultFormat(ResultFormatType.JSON).result(file.toString()).build()).run();
        return file;
    }
}

package org.poolkit.benchmarks.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.poolkit.benchmarks.Contenders;
import org.poolkit.benchmarks.SwapBench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Turns JMH's JSON results into {@code BENCHMARKS.md}: the scores with their error, each pool's ratio to HikariCP
 * and to the unpooled floor, whether poolkit meets its targets, the versions, the JVM and the machine, and a chart
 * of the same numbers drawn with XChart.
 *
 * <pre>java -cp benchmarks.jar org.poolkit.benchmarks.report.Report PAGE CHART RESULT.json...</pre>
 */
public final class Report {

    static final String COMMAND = "mvn -B -ntp package -DskipTests -pl benchmarks -am && "
            + "java -cp benchmarks/target/benchmarks.jar org.poolkit.benchmarks.Suite "
            + "--vt-java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
    private static final List<String> CYCLES = List.of("connectionCycle", "statementCycle");
    private static final String SWAPPING = "queue → null → static → threadlocal, swapped every "
            + SwapBench.SWAP_PERIOD_MS + " ms";
    // The pool of a benchmark that takes none as a parameter: SharedWordBench's reference points.
    private static final String NO_POOL = "?";
    private static final String NOT_SWAPPING = "queue, not swapped";
    /** JMH's keys of the latency percentiles the swap table shows: p50, p90, p99, p99.9, max. */
    private static final List<String> PERCENTILE_ORDER = List.of("50.0", "90.0", "99.0", "99.9", "100.0");
    private static final List<String> POOL_ORDER = List.of("queue", "static", "threadlocal", "null", "hikari",
            "agroal", "dbcp2", "tomcat", "vibur", "c3p0", "unpooled");

    private final List<Result> results;
    private final JsonObject run;

    private Report(List<Result> results, JsonObject run) {
        this.results = results;
        this.run = run;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: Report PAGE CHART RESULT.json...");
        }
        List<Path> files = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        write(files, Path.of(args[0]), Path.of(args[1]), false);
    }

    /**
     * Reads the JSON files and writes the page and its chart.
     *
     * @return how many scores the page shows
     */
    public static int write(List<Path> jsonFiles, Path page, Path chart, boolean smoke) throws IOException {
        List<Result> results = new ArrayList<>();
        JsonObject run = null;
        for (Path file : jsonFiles) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                JsonArray entries = JsonParser.parseReader(reader).getAsJsonArray();
                for (JsonElement element : entries) {
                    JsonObject entry = element.getAsJsonObject();
                    if (run == null) {
                        run = entry;
                    }
                    results.add(parse(entry));
                }
            }
        }
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark results in " + jsonFiles);
        }
        Report report = new Report(results, run);
        Path chartDir = chart.toAbsolutePath().getParent();
        if (chartDir != null) {
            Files.createDirectories(chartDir);
        }
        ImageIO.write(report.chart(), "png", chart.toFile());
        Path pageDir = page.toAbsolutePath().getParent();
        String chartLink = pageDir.relativize(chart.toAbsolutePath()).toString().replace('\\', '/');
        Files.writeString(page, report.page(chartLink, smoke), StandardCharsets.UTF_8);
        return results.size();
    }

    private static Result parse(JsonObject entry) {
        String benchmark = entry.get("benchmark").getAsString();
        benchmark = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        JsonObject params = entry.has("params") ? entry.getAsJsonObject("params") : new JsonObject();
        String pool = params.has("pool") ? params.get("pool").getAsString()
                : params.has("swapping") ? (params.get("swapping").getAsBoolean() ? SWAPPING : NOT_SWAPPING)
                : NO_POOL;
        int size = params.has("maxPoolSize") ? Integer.parseInt(params.get("maxPoolSize").getAsString()) : 0;
        JsonObject metric = entry.getAsJsonObject("primaryMetric");
        Map<String, Double> percentiles = new LinkedHashMap<>();
        if (metric.has("scorePercentiles")) {
            for (Map.Entry<String, JsonElement> p : metric.getAsJsonObject("scorePercentiles").entrySet()) {
                percentiles.put(p.getKey(), number(p.getValue()));
            }
        }
        return new Result(benchmark, pool, size, entry.get("threads").getAsInt(), number(metric.get("score")),
                number(metric.get("scoreError")), metric.get("scoreUnit").getAsString(),
                entry.get("vmName").getAsString() + " " + entry.get("jdkVersion").getAsString(), percentiles);
    }

    private static double number(JsonElement element) {
        // JMH writes "NaN" as a string when a single iteration has no error margin.
        return element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber() ? element.getAsDouble()
                : Double.NaN;
    }

    // ---- the page

    private String page(String chartLink, boolean smoke) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# poolkit benchmarks\n\n");
        if (smoke) {
            md.append("**Smoke run: one brief iteration in one JVM, to prove the benchmarks work. These numbers "
                    + "mean nothing.**\n\n");
        }
        md.append("Written by `").append(COMMAND).append("` (see the README) on ")
                .append(Instant.now().truncatedTo(ChronoUnit.MINUTES)).append(".\n\n");
        md.append("Higher is better. The machines this runs on are shared and noisy: read the error column, compare "
                + "ratios within this one run, and never compare absolute numbers across runs. "
                + "\"× HikariCP\" is the pool's score divided by HikariCP's in the same row group; "
                + "\"× floor\" divides by the unpooled lean data source (a new connection object per call, no I/O), "
                + "so it is how close a pool comes to not pooling at all.\n\n");
        md.append("![throughput chart](").append(chartLink).append(")\n\n");
        appendTargets(md);
        appendLeastWork(md);
        for (String cycle : CYCLES) {
            appendCycle(md, cycle);
        }
        appendOther(md, "transaction", "Real work: a small transaction per cycle on embedded Derby (pool size 8)");
        appendSwap(md);
        appendVirtualThreads(md);
        appendEnvironment(md);
        return md.toString();
    }

    private void appendTargets(StringBuilder md) {
        md.append("## Targets\n\n");
        md.append("QueuePool at or above HikariCP and Agroal on both cycles, at every thread count and both sizes; "
                + "`static` and `threadlocal` within 2× of the floor.\n\n");
        md.append("| benchmark | size | threads | queue vs HikariCP | queue vs Agroal | static vs floor | "
                + "threadlocal vs floor |\n|---|---|---|---|---|---|---|\n");
        for (String cycle : CYCLES) {
            for (int size : sizes(cycle)) {
                for (int threads : threads(cycle)) {
                    Optional<Result> queue = find(cycle, "queue", size, threads);
                    if (queue.isEmpty()) {
                        continue;
                    }
                    md.append("| ").append(cycle).append(" | ").append(size).append(" | ").append(threads)
                            .append(" | ").append(versus(queue, find(cycle, "hikari", size, threads), 1.0))
                            .append(" | ").append(versus(queue, find(cycle, "agroal", size, threads), 1.0))
                            .append(" | ").append(versus(find(cycle, "static", size, threads),
                                    find(cycle, "unpooled", size, threads), 0.5))
                            .append(" | ").append(versus(find(cycle, "threadlocal", size, threads),
                                    find(cycle, "unpooled", size, threads), 0.5))
                            .append(" |\n");
                }
            }
        }
        md.append('\n');
    }

    /**
     * {@code SharedWordBench}: the least a {@code static} and a {@code threadlocal} cycle must do, beside the floor and
     * the pools themselves (connection cycle, the larger size), so that a reader sees how much of the 2× the bare
     * protocol leaves for everything else a pool does.
     */
    private void appendLeastWork(StringBuilder md) {
        if (threads("floor").isEmpty()) {
            return;
        }
        md.append("## The least work the static and threadlocal targets leave room for\n\n");
        md.append("Not pools (`SharedWordBench`): `shared word` counts a holder in and out of one word every thread "
                + "shares and hands out a handle, the least a checkout and checkin of `static`'s one connection must "
                + "do; `thread word` finds the thread's own word, claims it atomically and lets it go, the least "
                + "for `threadlocal`. Measured in their own run beside their own floor; `static` and `threadlocal` "
                + "are the connection cycle above.\n\n");
        md.append("| threads | shared word × floor | static × floor | thread word × floor | threadlocal × floor |\n"
                + "|---|---|---|---|---|\n");
        int size = sizes("connectionCycle").stream().findFirst().orElse(0);
        for (int threads : threads("floor")) {
            Optional<Result> floor = find("floor", NO_POOL, 0, threads);
            Optional<Result> cycleFloor = find("connectionCycle", "unpooled", size, threads);
            md.append("| ").append(threads)
                    .append(" | ").append(versus(find("sharedWord", NO_POOL, 0, threads), floor, 0.5))
                    .append(" | ").append(versus(find("connectionCycle", "static", size, threads), cycleFloor, 0.5))
                    .append(" | ").append(versus(find("threadWord", NO_POOL, 0, threads), floor, 0.5))
                    .append(" | ").append(versus(find("connectionCycle", "threadlocal", size, threads), cycleFloor,
                            0.5))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The ratio, marked as met when it reaches {@code goal}; "—" when either side was not measured. */
    private static String versus(Optional<Result> mine, Optional<Result> theirs, double goal) {
        if (mine.isEmpty() || theirs.isEmpty() || theirs.get().score() == 0) {
            return "—";
        }
        double ratio = mine.get().score() / theirs.get().score();
        return String.format(Locale.ROOT, "%.2f× %s", ratio, ratio >= goal ? "met" : "**missed**");
    }

    private void appendCycle(StringBuilder md, String cycle) {
        md.append("## ").append(cycle.equals("connectionCycle") ? "Connection cycle: getConnection(), close()"
                : "Statement cycle: getConnection(), prepareStatement, executeQuery, next(), close all")
                .append("\n\n");
        for (int size : sizes(cycle)) {
            md.append("### maxPoolSize ").append(size).append("\n\n");
            md.append("| pool | threads | score | ± error | × HikariCP | × floor |\n|---|---|---|---|---|---|\n");
            for (int threads : threads(cycle)) {
                Optional<Result> hikari = find(cycle, "hikari", size, threads);
                Optional<Result> floor = find(cycle, "unpooled", size, threads);
                for (String pool : pools(cycle)) {
                    find(cycle, pool, size, threads).ifPresent(r -> md.append(row(r, hikari, floor)));
                }
            }
            md.append('\n');
        }
    }

    private void appendOther(StringBuilder md, String benchmark, String title) {
        List<Result> rows = results.stream().filter(r -> r.benchmark().equals(benchmark)).collect(Collectors.toList());
        if (rows.isEmpty()) {
            return;
        }
        md.append("## ").append(title).append("\n\n");
        md.append("| pool | threads | score | ± error | × HikariCP | × floor |\n|---|---|---|---|---|---|\n");
        for (int threads : threads(benchmark)) {
            Optional<Result> hikari = find(benchmark, "hikari", 0, threads);
            for (String pool : pools(benchmark)) {
                find(benchmark, pool, 0, threads).ifPresent(r -> md.append(row(r, hikari, Optional.empty())));
            }
        }
        md.append('\n');
    }

    private void appendSwap(StringBuilder md) {
        List<Result> rows = results.stream().filter(r -> r.benchmark().equals("swapCycle"))
                .collect(Collectors.toList());
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Live swap: getConnection(), close() latency while the strategy is switched\n\n");
        md.append("Lower is better. A SwappableDataSource over the lean driver (pool size ").append(SwapBench.POOL_SIZE)
                .append("); with swapping, a background thread builds the next strategy's pool and swaps to it every ")
                .append(SwapBench.SWAP_PERIOD_MS).append(" ms, so checkouts also "
                + "meet new pools' first connects and old pools closing connections as they come back. JMH "
                + "SampleTime percentiles of the whole cycle; a trial fails if any getConnection() failed.\n\n");
        md.append("| strategy | threads | mean | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|\n");
        for (int threads : threads("swapCycle")) {
            for (String swapping : List.of(NOT_SWAPPING, SWAPPING)) {
                rows.stream().filter(r -> r.pool().equals(swapping) && r.threads() == threads).findFirst()
                        .ifPresent(r -> md.append(percentileRow(r)));
            }
        }
        md.append('\n');
    }

    private static String percentileRow(Result r) {
        String unit = " " + r.unit().replace("/op", "").replace("us", "µs");
        StringBuilder row = new StringBuilder("| ").append(r.pool()).append(" | ").append(r.threads()).append(" | ")
                .append(format(r.score())).append(unit);
        for (String key : PERCENTILE_ORDER) {
            Double value = r.percentiles().get(key);
            row.append(" | ").append(value == null ? "—" : format(value) + unit);
        }
        return row.append(" |\n").toString();
    }

    private void appendVirtualThreads(StringBuilder md) {
        List<Result> rows = results.stream().filter(r -> r.benchmark().equals("virtualThreadCycle"))
                .collect(Collectors.toList());
        md.append("## Virtual threads: 1,000 virtual threads sharing 16 connections, connection cycle\n\n");
        if (rows.isEmpty()) {
            md.append("Not run: the JVM had no virtual threads and no `--vt-java` was given.\n\n");
            return;
        }
        md.append("| pool | threads | score | ± error | × HikariCP | × floor |\n|---|---|---|---|---|---|\n");
        Optional<Result> hikari = rows.stream().filter(r -> r.pool().equals("hikari")).findFirst();
        for (String pool : POOL_ORDER) {
            rows.stream().filter(r -> r.pool().equals(pool)).findFirst()
                    .ifPresent(r -> md.append(row(r, "1,000 virtual", hikari, Optional.empty())));
        }
        md.append("\n(One JMH thread starts the 1,000 virtual threads and joins them; the score counts their "
                + "cycles. JVM: ").append(rows.get(0).jdk()).append(")\n\n");
    }

    private static String row(Result r, Optional<Result> hikari, Optional<Result> floor) {
        return row(r, String.valueOf(r.threads()), hikari, floor);
    }

    private static String row(Result r, String threads, Optional<Result> hikari, Optional<Result> floor) {
        return String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s | %s |%n", r.pool(), threads,
                format(r.score()), r.unit().replace("us", "µs"), Double.isNaN(r.error()) ? "—" : format(r.error()),
                ratio(r, hikari), ratio(r, floor));
    }

    private static String ratio(Result r, Optional<Result> base) {
        return base.filter(b -> b.score() > 0).map(b -> String.format(Locale.ROOT, "%.2f", r.score() / b.score()))
                .orElse("—");
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 1 ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.4f", value);
    }

    private void appendEnvironment(StringBuilder md) throws IOException {
        md.append("## Versions\n\n| component | version |\n|---|---|\n");
        Properties versions = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("/poolkit-benchmarks.properties")) {
            if (in != null) {
                versions.load(in);
            }
        }
        for (String name : new TreeSet<>(versions.stringPropertyNames())) {
            md.append("| ").append(name).append(" | ").append(versions.getProperty(name)).append(" |\n");
        }
        md.append("\n## Pool settings\n\nEvery pool has a fixed size (`maxPoolSize`, or 8 on Derby) and an 8 s "
                + "checkout timeout, and runs over the same lean driver; beyond that each is configured as its "
                + "documentation recommends:\n\n");
        for (String pool : POOL_ORDER) {
            if (results.stream().anyMatch(r -> r.pool().equals(pool))) {
                md.append("- `").append(pool).append("`: ").append(Contenders.settings(pool))
                        .append('\n');
            }
        }
        md.append("\n## JVM and machine\n\n");
        md.append("- JVM: ").append(string("vmName")).append(' ').append(string("vmVersion")).append(" (JDK ")
                .append(string("jdkVersion")).append("), `").append(string("jvm")).append("`\n");
        md.append("- JVM options: `").append(run.has("jvmArgs") ? run.get("jvmArgs").toString() : "").append("`\n");
        md.append("- JMH ").append(string("jmhVersion")).append(": ").append(string("forks")).append(" fork(s), ")
                .append(string("warmupIterations")).append(" × ").append(string("warmupTime"))
                .append(" warmup, ").append(string("measurementIterations")).append(" × ")
                .append(string("measurementTime")).append(" measurement\n");
        md.append("- Machine: ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch")).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs").append(cpuModel()).append(", ").append(memory()).append("; load average when this "
                        + "page was written: ").append(loadAverage()).append('\n');
    }

    private String string(String key) {
        return run != null && run.has(key) && !run.get(key).isJsonNull() ? run.get(key).getAsString() : "?";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> " (" + l.substring(l.indexOf(':') + 1).trim() + ")").orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> l.replaceAll("\\s+", " ").replace("MemTotal:", "memory").trim())
                    .orElse("memory unknown");
        } catch (IOException | RuntimeException e) {
            return "memory unknown";
        }
    }

    // ---- the chart

    private BufferedImage chart() {
        List<BufferedImage> panels = new ArrayList<>();
        for (String cycle : CYCLES) {
            for (int size : sizes(cycle)) {
                panels.add(BitmapEncoder.getBufferedImage(panel(cycle, size)));
            }
        }
        int width = 900;
        int height = 520;
        int columns = 2;
        int rows = Math.max(1, (panels.size() + 1) / 2);
        BufferedImage image = new BufferedImage(width * columns, height * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % columns) * width, (i / columns) * height, null);
        }
        g.dispose();
        return image;
    }

    private CategoryChart panel(String cycle, int size) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520)
                .title(cycle + ", maxPoolSize " + size + " (ops/µs, log scale)").xAxisTitle("threads")
                .yAxisTitle("ops/µs").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        List<String> categories = threads(cycle).stream().map(String::valueOf).collect(Collectors.toList());
        double lowest = Double.MAX_VALUE;
        for (String pool : pools(cycle)) {
            List<Double> scores = new ArrayList<>();
            for (int threads : threads(cycle)) {
                // A log axis cannot show zero; a missing bar is drawn at a tiny value instead.
                scores.add(find(cycle, pool, size, threads).map(Result::score).filter(s -> s > 0).orElse(1e-4));
            }
            chart.addSeries(pool, categories, scores);
            lowest = Math.min(lowest, scores.stream().mapToDouble(Double::doubleValue).min().orElse(1));
        }
        // Bars start at the axis minimum, which on a log axis must be above zero: one decade below the lowest bar.
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest)) - 1));
        return chart;
    }

    // ---- lookups

    private Optional<Result> find(String benchmark, String pool, int size, int threads) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark) && r.pool().equals(pool)
                && r.size() == size && r.threads() == threads).findFirst();
    }

    private List<Integer> sizes(String benchmark) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark) && r.threads() < 1000)
                .map(Result::size).distinct().sorted((a, b) -> b - a).collect(Collectors.toList());
    }

    private List<Integer> threads(String benchmark) {
        return results.stream().filter(r -> r.benchmark().equals(benchmark) && r.threads() < 1000)
                .map(Result::threads).distinct().sorted().collect(Collectors.toList());
    }

    private List<String> pools(String benchmark) {
        Map<String, Boolean> present = new LinkedHashMap<>();
        for (String pool : POOL_ORDER) {
            if (results.stream().anyMatch(r -> r.benchmark().equals(benchmark) && r.pool().equals(pool))) {
                present.put(pool, true);
            }
        }
        return new ArrayList<>(present.keySet());
    }
}

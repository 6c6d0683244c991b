package org.poolkit.distribution;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.osgi.framework.BundleException;

/**
 * {@code java -jar poolkit.jar [demo | --help]}: Apache Felix with every poolkit bundle, embedded Derby, Gogo and
 * FileInstall, started from the bundles packed into this jar.
 *
 * <ul>
 *   <li>no argument: the interactive runtime. {@code conf/} (in the working directory, or {@code -Dpoolkit.conf})
 *       is created with a sample data source if absent and watched; the launcher prints what runs, then the Gogo
 *       console takes the terminal. Exits 0 when the framework stops ({@code stop 0}, Ctrl-D).</li>
 *   <li>{@code demo}: no console and no conf/; sets {@code poolkit.demo=true}, calls pool-shell's demo service on
 *       this thread and exits with its code (1 if the framework or the demo cannot start).</li>
 * </ul>
 */
public final class Main {

    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar poolkit.jar [demo | --help]",
            "",
            "  (no argument)  start the runtime with the Gogo console; data sources come from conf/*.cfg in the",
            "                 working directory (created with a sample on embedded Derby if absent), watched while",
            "                 it runs. 'pool:list' lists them; 'stop 0' or Ctrl-D stops it.",
            "  demo           run the scripted demo: load on 8 threads while the strategy and pool.size change",
            "                 live, then a table per phase. Exits 0, or 1 if any getConnection failed.",
            "  --help         this text.",
            "",
            "  -Dpoolkit.conf=DIR watches DIR instead of ./conf; -Dorg.slf4j.simpleLogger.log.org.poolkit=debug",
            "  and other slf4j-simple properties change the logging.");

    /** How long the demo waits for pool-shell's demo service: it appears within a second or two of the start. */
    private static final long DEMO_SERVICE_TIMEOUT_MILLIS = 30_000;
    /** How long the report waits for the data sources of conf/ (FileInstall's first scan, then SCR). */
    private static final long DATA_SOURCE_TIMEOUT_MILLIS = 10_000;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            System.out.println(USAGE);
            return 0;
        }
        boolean demo = args.length == 1 && args[0].equals("demo");
        if (args.length > 0 && !demo) {
            System.err.println("poolkit: unknown argument(s): " + String.join(" ", args));
            System.err.println(USAGE);
            return 2;
        }
        Logging.configure(demo);
        try {
            return demo ? demo() : interactive();
        } catch (IOException | BundleException | RuntimeException e) {
            System.err.println("poolkit: the framework did not start: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int interactive() throws IOException, BundleException, InterruptedException {
        Path conf = Path.of(System.getProperty("poolkit.conf", "conf")).toAbsolutePath().normalize();
        if (SampleConfiguration.createIfAbsent(conf)) {
            System.out.println("Created " + conf + " with the sample data source "
                    + SampleConfiguration.SAMPLE_FILE);
        }
        Map<String, String> properties = commonProperties();
        properties.putAll(fileInstallProperties(conf));
        if (System.console() == null) {
            // No terminal (input piped, as in the tests): jline would warn that it falls back to a dumb one.
            System.setProperty("org.jline.terminal.dumb", "true");
        }

        List<EmbeddedBundle> bundles = EmbeddedBundle.readList();
        EmbeddedFramework framework = EmbeddedFramework.create(properties);
        Runtime.getRuntime().addShutdownHook(new Thread(framework::stop, "poolkit-shutdown"));
        framework.install(bundles);
        List<String> failures = framework.start(phase(bundles, EmbeddedBundle.Phase.ALWAYS,
                EmbeddedBundle.Phase.INTERACTIVE));

        StartupReport report = new StartupReport(framework.context(), System.out);
        long expected = SampleConfiguration.dataSourceFiles(conf);
        report.awaitDataSources(expected, DATA_SOURCE_TIMEOUT_MILLIS);
        report.print(conf, expected, failures);

        List<String> consoleFailures = framework.startConsole(phase(bundles, EmbeddedBundle.Phase.CONSOLE));
        consoleFailures.forEach(failure -> System.err.println("poolkit: the console did not start: " + failure));
        framework.awaitStop();
        framework.stop();
        return 0;
    }

    private static int demo() throws IOException, BundleException, InterruptedException {
        Map<String, String> properties = commonProperties();
        properties.put("poolkit.demo", "true");
        List<EmbeddedBundle> bundles = phase(EmbeddedBundle.readList(), EmbeddedBundle.Phase.ALWAYS);
        EmbeddedFramework framework = EmbeddedFramework.create(properties);
        Runtime.getRuntime().addShutdownHook(new Thread(framework::stop, "poolkit-shutdown"));
        try {
            framework.install(bundles);
            List<String> failures = framework.start(bundles);
            if (!failures.isEmpty()) {
                failures.forEach(failure -> System.err.println("poolkit: bundle not started: " + failure));
                return 1;
            }
            return DemoCall.run(framework.context(), DEMO_SERVICE_TIMEOUT_MILLIS);
        } catch (DemoCall.DemoUnavailableException e) {
            System.err.println("poolkit: the demo did not start: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("poolkit: the demo failed: " + e);
            return 1;
        } finally {
            if (!framework.stop()) {
                System.err.println("poolkit: the framework did not stop in time");
            }
        }
    }

    /** FileInstall, watching conf/. */
    private static Map<String, String> fileInstallProperties(Path conf) {
        Map<String, String> properties = new HashMap<>();
        properties.put("felix.fileinstall.dir", conf.toString());
        // Poll once a second so an edit applies at once; write Configuration Admin updates (pool:set, pool:swap)
        // back into the .cfg file they came from; only configuration files, not bundles, are picked up.
        // No felix.fileinstall.noInitialDelay: with it FileInstall scans twice at once, and the second scan can read
        // the file while the write-back of the first scan's update has just truncated it, which empties the file.
        properties.put("felix.fileinstall.poll", "1000");
        properties.put("felix.fileinstall.enableConfigSave", "true");
        properties.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        properties.put("felix.fileinstall.log.level", "2");
        return properties;
    }

    /** Framework properties both modes share. */
    private static Map<String, String> commonProperties() {
        Map<String, String> properties = new HashMap<>();
        // SCR prints to the console (no LogService in this runtime): warnings and errors only.
        properties.put("ds.loglevel", "warn");
        return properties;
    }

    private static List<EmbeddedBundle> phase(List<EmbeddedBundle> bundles, EmbeddedBundle.Phase... phases) {
        List<EmbeddedBundle.Phase> wanted = List.of(phases);
        return bundles.stream().filter(bundle -> wanted.contains(bundle.phase())).collect(Collectors.toList());
    }
}

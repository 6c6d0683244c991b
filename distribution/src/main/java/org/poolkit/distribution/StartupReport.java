package org.poolkit.distribution;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/** What the interactive runtime prints once it is up, before the console takes the terminal. */
final class StartupReport {

    private static final int WIDTH = 110;
    private static final String DATA_SOURCE = "javax.sql.DataSource";
    private static final String DATA_SOURCE_NAME = "dataSourceName";
    private static final String STRATEGY = "pool.strategy";
    private static final String REJECTED = "poolkit.rejected";

    private final BundleContext context;
    private final PrintStream out;

    StartupReport(BundleContext context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    /**
     * Waits, at most {@code timeoutMillis}, until as many data sources are registered as conf/ has files for (they
     * come up within a second or two: FileInstall's first scan, then SCR), so that the report shows them.
     */
    void awaitDataSources(long expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (dataSources().size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    void print(Path conf, long expectedDataSources, List<String> failures) {
        Bundle[] bundles = context.getBundles();
        out.println("poolkit on Apache Felix " + context.getBundle(0).getVersion() + ", Java "
                + System.getProperty("java.version") + ", " + (bundles.length - 1) + " bundles (lb lists them):");
        printWrapped(bundleNames(bundles));
        for (String failure : failures) {
            out.println("  NOT STARTED: " + failure);
        }
        List<ServiceReference<?>> dataSources = dataSources();
        out.println("Data sources (" + dataSources.size() + " of the " + expectedDataSources
                + " configured in conf/; pool:list shows their pools):");
        for (ServiceReference<?> dataSource : dataSources) {
            Object rejected = dataSource.getProperty(REJECTED);
            out.println("  " + dataSource.getProperty(DATA_SOURCE_NAME) + ", strategy "
                    + dataSource.getProperty(STRATEGY)
                    + (rejected == null ? "" : " (its last change was rejected: " + rejected + ")"));
        }
        if (dataSources.size() < expectedDataSources) {
            out.println("  " + (expectedDataSources - dataSources.size())
                    + " configured data source(s) not running yet: see the log above");
        }
        out.println("Configuration: " + conf + " (watched every second: edit a .cfg file and save it to apply it)");
        out.println("Type 'help' for the commands, 'pool:list' for the data sources; 'stop 0' or Ctrl-D stops poolkit.");
    }

    private List<ServiceReference<?>> dataSources() {
        try {
            ServiceReference<?>[] references = context.getServiceReferences(DATA_SOURCE, null);
            List<ServiceReference<?>> list = new ArrayList<>(
                    references == null ? List.of() : Arrays.asList(references));
            list.sort(Comparator.comparing(reference -> String.valueOf(reference.getProperty(DATA_SOURCE_NAME))));
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code name major.minor.micro} of every bundle but the framework; qualifiers are build stamps, left out. */
    private static List<String> bundleNames(Bundle[] bundles) {
        List<String> names = new ArrayList<>();
        for (Bundle bundle : bundles) {
            if (bundle.getBundleId() != 0) {
                Version version = bundle.getVersion();
                names.add(bundle.getSymbolicName() + " " + version.getMajor() + "." + version.getMinor() + "."
                        + version.getMicro());
            }
        }
        return names;
    }

    private void printWrapped(List<String> items) {
        StringJoiner line = new StringJoiner(", ", "  ", "");
        for (String item : items) {
            if (line.length() + item.length() + 2 > WIDTH) {
                out.println(line + ",");
                line = new StringJoiner(", ", "  ", "");
            }
            line.add(item);
        }
        out.println(line);
    }
}

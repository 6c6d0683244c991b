package org.poolkit.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Apache Felix with the embedded bundles installed from poolkit.jar. Its cache lives in a fresh temporary directory
 * ({@code poolkit-cache-<pid>}) that {@link #stop} deletes, so every start installs the bundles of the jar being run,
 * never a previous build's. A process killed outright cannot delete its cache: the next start deletes those whose
 * process is gone.
 *
 * <p>Confined to the launcher's main thread, except {@link #stop}, which the shutdown hook may call as well.
 */
final class EmbeddedFramework {

    private static final long STOP_TIMEOUT_MILLIS = 15_000;
    private static final String CACHE_PREFIX = "poolkit-cache-";
    private static final String JLINE = "org.jline";

    private final Framework framework;
    private final Path cache;
    private final Map<EmbeddedBundle, Bundle> installed = new HashMap<>();
    /** Guarded by this: set by the first {@link #stop}. */
    private boolean stopCalled;

    private EmbeddedFramework(Framework framework, Path cache) {
        this.framework = framework;
        this.cache = cache;
    }

    /**
     * Initializes (but does not start) the framework with the given properties plus its cache location.
     *
     * @throws BundleException if Felix cannot initialize
     */
    static EmbeddedFramework create(Map<String, String> properties) throws IOException, BundleException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteAbandonedCaches(temp);
        Path cache = temp.resolve(CACHE_PREFIX + ProcessHandle.current().pid());
        Map<String, String> all = new HashMap<>(properties);
        all.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        all.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework in the jar"));
        Framework framework = factory.newFramework(all);
        framework.init();
        return new EmbeddedFramework(framework, cache);
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** Installs the given bundles from the jar, in list order, without starting them. */
    void install(List<EmbeddedBundle> bundles) throws IOException, BundleException {
        for (EmbeddedBundle bundle : bundles) {
            try (InputStream in = bundle.open()) {
                installed.put(bundle, context().installBundle(bundle.location(), in));
            }
        }
    }

    /**
     * Starts the framework (if not yet started) and then the given installed bundles in order.
     *
     * @return one line per bundle that failed to start (resolve errors included); empty if all started
     */
    List<String> start(List<EmbeddedBundle> bundles) throws BundleException {
        framework.start();
        List<String> failures = new ArrayList<>();
        for (EmbeddedBundle embedded : bundles) {
            Bundle bundle = installed.get(embedded);
            if (bundle == null) {
                throw new IllegalStateException(embedded.jarName() + " was not installed");
            }
            try {
                bundle.start();
            } catch (BundleException e) {
                failures.add(bundle.getSymbolicName() + " (" + embedded.jarName() + "): " + e.getMessage());
            }
        }
        return failures;
    }

    /**
     * Starts the console bundles with jline's class loader as the thread's context class loader: gogo.jline makes
     * its terminal while it starts, and jline 3 looks its terminal providers (exec, jni, ...) up through the context
     * class loader. Without them it falls back to a dumb terminal: no line editing, and Ctrl-C stops the JVM instead of
     * interrupting the running command.
     *
     * @return as {@link #start}
     */
    List<String> startConsole(List<EmbeddedBundle> bundles) throws BundleException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(classLoaderOf(JLINE));
            return start(bundles);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** @return the class loader of the installed bundle with this symbolic name; null if there is none */
    private ClassLoader classLoaderOf(String symbolicName) {
        for (Bundle bundle : installed.values()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                context().getBundle(0).adapt(FrameworkWiring.class).resolveBundles(List.of(bundle));
                BundleWiring wiring = bundle.adapt(BundleWiring.class);
                return wiring == null ? null : wiring.getClassLoader();
            }
        }
        return null;
    }

    /** Blocks until the framework stops (a {@code stop 0} in the console, or {@link #stop}). */
    void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /**
     * Stops the framework, waits for it to finish (bounded), and deletes its cache. Only the first call does so (the
     * main thread's or the shutdown hook's); a concurrent second one waits for it, so that the JVM does not exit
     * halfway through.
     *
     * @return false if the framework did not stop within the bound
     */
    synchronized boolean stop() {
        if (stopCalled) {
            return true;
        }
        stopCalled = true;
        boolean stopped = true;
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            stopped = event.getType() != FrameworkEvent.WAIT_TIMEDOUT;
        } catch (BundleException e) {
            stopped = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        deleteTree(cache);
        return stopped;
    }

    /** Deletes the caches of poolkit processes that no longer run (killed, so their own stop never ran). */
    private static void deleteAbandonedCaches(Path temp) throws IOException {
        try (Stream<Path> caches = Files.list(temp)) {
            caches.filter(path -> path.getFileName().toString().startsWith(CACHE_PREFIX))
                    .filter(path -> !isRunning(path.getFileName().toString().substring(CACHE_PREFIX.length())))
                    .forEach(EmbeddedFramework::deleteTree);
        }
    }

    private static boolean isRunning(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not one of ours: leave it alone
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(EmbeddedFramework::delete);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("poolkit: could not delete the framework cache " + root + ": " + e.getMessage());
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.poolkit.distribution;

import java.util.concurrent.Callable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The demo's side of the launcher: with the framework property {@code poolkit.demo=true}, pool-shell registers a
 * {@code Callable<Integer>} with {@code main.thread=true} and {@code poolkit.demo=true} (bnd's launcher convention);
 * calling it runs the whole demo and returns the process exit code. This class finds that service and calls it on
 * the caller's (the main) thread.
 */
final class DemoCall {

    static final String FILTER = "(&(objectClass=" + Callable.class.getName()
            + ")(main.thread=true)(poolkit.demo=true))";

    private DemoCall() {
    }

    /**
     * @return the demo's exit code
     * @throws DemoUnavailableException if no such service appears within the timeout
     * @throws Exception                whatever the demo throws
     */
    static int run(BundleContext context, long timeoutMillis) throws Exception {
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter(FILTER), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        tracker.open();
        try {
            Object service = tracker.waitForService(timeoutMillis);
            if (service == null) {
                throw new DemoUnavailableException("no demo service " + FILTER + " appeared within "
                        + timeoutMillis / 1000 + " s; the bundle org.poolkit.shell registers it (is it in the jar "
                        + "and started? see lb and the errors above)");
            }
            ServiceReference<Object> reference = tracker.getServiceReference();
            Object result = ((Callable<?>) service).call();
            if (!(result instanceof Integer)) {
                throw new IllegalStateException("the demo service of bundle "
                        + reference.getBundle().getSymbolicName() + " returned " + result + ", not an exit code");
            }
            return (Integer) result;
        } finally {
            tracker.close();
        }
    }

    /** The demo service never showed up. */
    static final class DemoUnavailableException extends Exception {

        private static final long serialVersionUID = 1L;

        DemoUnavailableException(String message) {
            super(message);
        }
    }
}

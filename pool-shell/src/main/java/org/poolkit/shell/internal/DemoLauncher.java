package org.poolkit.shell.internal;

import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.Callable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The demo as the launcher's main job: when the framework property {@value #DEMO} is {@code true}, registers a
 * {@code Callable<Integer>} with {@code main.thread=true} (bnd's launcher convention) and {@code poolkit.demo=true};
 * calling it runs the {@link Demo} on the caller's thread and returns the process's exit code. Phases last
 * {@value #PHASE_SECONDS} seconds (framework property), {@value Demo#DEFAULT_PHASE_SECONDS} by default.
 *
 * <p>Thread-safe: the registration is made at activation and removed at deactivation.
 */
@Component(immediate = true, service = {})
public final class DemoLauncher {

    /** The framework property that turns the demo service on. */
    static final String DEMO = "poolkit.demo";
    /** The framework property with each phase's length in seconds. */
    static final String PHASE_SECONDS = "poolkit.demo.seconds";

    private final ServiceRegistration<?> registration;

    /**
     * @param context the shell bundle's context, for the framework properties and the registration
     * @param admin   what the demo acts through
     */
    @Activate
    public DemoLauncher(BundleContext context, @Reference PoolAdmin admin) {
        if (!Boolean.parseBoolean(context.getProperty(DEMO))) {
            registration = null;
            return;
        }
        String seconds = context.getProperty(PHASE_SECONDS);
        Callable<Integer> demo = () -> run(admin, seconds);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("main.thread", "true");
        properties.put(DEMO, "true");
        registration = context.registerService(Callable.class.getName(), demo, properties);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    /** @return the exit code: 0 when the demo passed, 1 when a check failed or it could not run */
    private static int run(PoolAdmin admin, String seconds) {
        try {
            int phase = seconds == null ? Demo.DEFAULT_PHASE_SECONDS
                    : Args.number(PHASE_SECONDS, seconds, 1, Demo.MAX_PHASE_SECONDS);
            return new Demo(admin, Duration.ofSeconds(phase), System.out, System.console() != null).run();
        } catch (CommandError e) {
            System.err.println("poolkit demo: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("poolkit demo: interrupted");
            return 1;
        } catch (Exception e) {
            System.err.println("poolkit demo: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }
}

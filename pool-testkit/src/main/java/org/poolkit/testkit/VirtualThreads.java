package org.poolkit.testkit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads for tests that compile at {@code release 17}: {@code Thread.ofVirtual()} and
 * {@code Executors.newVirtualThreadPerTaskExecutor()} exist from Java 21, so they are looked up at run time.
 *
 * <p>Guard each test with JUnit's {@code assumeTrue(VirtualThreads.available(), VirtualThreads.UNAVAILABLE)} and tag
 * it {@code virtual-threads}: the default test run on Java 17 skips it with that message, and the root pom's
 * {@code jdk25-virtual-threads} profile runs the tagged tests again on JDK 25 when that JDK is installed.
 *
 * <p>Thread-safe; the methods throw {@link UnsupportedOperationException} when {@link #available()} is false.
 */
public final class VirtualThreads {

    /** Why a test was skipped: the message for a failed assumption. */
    public static final String UNAVAILABLE = "virtual threads need Java 21 or later; this JVM is Java "
            + Runtime.version().feature() + " (mvn verify runs tests tagged virtual-threads on JDK 25 when it is "
            + "installed; see the root pom's jdk25-virtual-threads profile)";

    private static final MethodHandle START_VIRTUAL_THREAD;
    private static final MethodHandle NEW_EXECUTOR;
    private static final MethodHandle IS_VIRTUAL;

    static {
        MethodHandle start = null;
        MethodHandle executor = null;
        MethodHandle isVirtual = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            start = lookup.findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
            executor = lookup.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                    MethodType.methodType(ExecutorService.class));
            isVirtual = lookup.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            // Before Java 21: every handle stays null and available() says so.
            start = null;
        }
        START_VIRTUAL_THREAD = start;
        NEW_EXECUTOR = executor;
        IS_VIRTUAL = isVirtual;
    }

    private VirtualThreads() {
    }

    /** @return whether this JVM has virtual threads (Java 21 or later) */
    public static boolean available() {
        return START_VIRTUAL_THREAD != null;
    }

    /**
     * Starts a virtual thread, as {@code Thread.startVirtualThread(task)}.
     *
     * @param task what the thread runs
     * @return the started thread
     */
    public static Thread start(Runnable task) {
        return (Thread) invoke(START_VIRTUAL_THREAD, task);
    }

    /** @return a new {@code Executors.newVirtualThreadPerTaskExecutor()}; close or shut it down after use */
    public static ExecutorService newThreadPerTaskExecutor() {
        return (ExecutorService) invoke(NEW_EXECUTOR, null);
    }

    /**
     * @param thread a thread
     * @return whether it is virtual; false on JVMs without virtual threads
     */
    public static boolean isVirtual(Thread thread) {
        return IS_VIRTUAL != null && (Boolean) invoke(IS_VIRTUAL, thread);
    }

    private static Object invoke(MethodHandle handle, Object argument) {
        if (handle == null) {
            throw new UnsupportedOperationException(UNAVAILABLE);
        }
        try {
            return argument == null && handle.type().parameterCount() == 0 ? handle.invoke()
                    : handle.invoke(argument);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling " + handle + " failed", e);
        }
    }
}

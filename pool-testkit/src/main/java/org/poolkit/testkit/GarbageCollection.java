package org.poolkit.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Drives the garbage collector for tests of what a pool does with connections dropped without {@code close()}. */
public final class GarbageCollection {

    /** Enough collections for a phantom reference to be enqueued on any collector. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private GarbageCollection() {
    }

    /**
     * Collects garbage until {@code condition} holds, for at most 20 seconds: bounded by time, not by passes, since
     * on a loaded machine the collector may need many.
     *
     * @param condition checked after each collection; {@code pool.status().checkedOut() == 0} also lets the pool take
     *                  back the handles it finds collected
     * @return whether the condition held in time
     */
    public static boolean collectUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            System.gc();
            // The collector hands phantom references to their queue on its own thread; let it run.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            if (condition.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }
}

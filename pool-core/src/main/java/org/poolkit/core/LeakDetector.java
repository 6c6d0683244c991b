package org.poolkit.core;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Notices connections their holders never close. Thread-safe.
 *
 * <p>Every checkout is tracked by a {@link Checkout}, a phantom reference to the handle that its entry keeps
 * reachable while the handle is out. A handle dropped without {@code close()} is therefore enqueued by the garbage
 * collector, and the next checkout or status call of the pool takes the entry back ({@link #reclaim()}). A handle
 * closed normally takes its tracker with it: the tracker is never enqueued and costs the collector nothing.
 *
 * <p>Capturing the stack of every checkout costs microseconds, so it happens only with
 * {@code leak.detection.threshold} set. Then a checkout held past the threshold is also logged while still held,
 * by one daemon thread shared by every pool.
 */
final class LeakDetector {

    private final Engine engine;
    private final ReferenceQueue<ConnectionHandle> collected = new ReferenceQueue<>();
    private final long thresholdNanos;

    LeakDetector(Engine engine, long thresholdNanos) {
        this.engine = engine;
        this.thresholdNanos = thresholdNanos;
    }

    /** Starts tracking a checkout; called once per checkout, on the hot path. */
    Checkout track(ConnectionHandle handle, Entry entry) {
        if (thresholdNanos == 0) {
            return new Checkout(handle, collected, entry);
        }
        TimedCheckout checkout = new TimedCheckout(handle, collected, entry);
        checkout.timer = Timer.EXECUTOR.schedule(() -> reportHeld(checkout), thresholdNanos, TimeUnit.NANOSECONDS);
        return checkout;
    }

    /**
     * Starts tracking one holder of a shared entry, whose handle may be collected while others still hold the entry;
     * the entry's own checkout, from {@link #track}, times the threshold report.
     */
    Checkout trackHolder(ConnectionHandle handle, Entry entry) {
        return thresholdNanos == 0 ? new Checkout(handle, collected, entry) : new HolderCheckout(handle, collected,
                entry);
    }

    /** Stops tracking a checkout that ended; says so if it had been reported as a leak. */
    void end(Checkout ended) {
        if (!(ended instanceof TimedCheckout)) {
            return;
        }
        TimedCheckout checkout = (TimedCheckout) ended;
        checkout.timer.cancel(false);
        if (checkout.reported) {
            Engine.LOG.info("Pool '{}': the connection reported as a possible leak was returned after {} ms",
                    engine.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkout.startedAt));
        }
    }

    /** Takes back the entries of handles that were garbage collected while checked out. */
    void reclaim() {
        for (Reference<? extends ConnectionHandle> ref = collected.poll(); ref != null; ref = collected.poll()) {
            Checkout checkout = (Checkout) ref;
            if (checkout.entry.holders != null) {
                if (engine.checkinLeakedHolder(checkout)) {
                    warnLeaked(checkout);
                }
            } else if (checkout.entry.checkout() == checkout) {
                warnLeaked(checkout);
                engine.checkinLeaked(checkout.entry);
            }
        }
    }

    private void warnLeaked(Checkout checkout) {
        Engine.LOG.warn("Pool '{}': a connection was garbage collected without close(); the pool took it back{}",
                engine.name(), checkout.stack() == null
                ? ". Set leak.detection.threshold to record where connections are checked out." : ".",
                checkout.stack());
    }

    private void reportHeld(TimedCheckout checkout) {
        if (checkout.entry.checkout() == checkout) {
            checkout.reported = true;
            Engine.LOG.warn("Pool '{}': possible connection leak: a connection has been checked out for more than "
                    + "{} ms and not returned; {}", engine.name(), TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                    engine.statusAsIs(), checkout.stack);
        }
    }

    /** One checkout, as the leak detector sees it. Kept small: one is made per checkout. */
    static class Checkout extends PhantomReference<ConnectionHandle> {

        final Entry entry;

        Checkout(ConnectionHandle handle, ReferenceQueue<ConnectionHandle> queue, Entry entry) {
            super(handle, queue);
            this.entry = entry;
        }

        Throwable stack() {
            return null;
        }

        /** @return whether it was logged as held past the threshold */
        boolean reported() {
            return false;
        }
    }

    /** A checkout watched against {@code leak.detection.threshold}: where it began, and whether it was reported. */
    private static final class TimedCheckout extends Checkout {

        final Throwable stack = new Throwable("checked out here");
        final long startedAt = System.nanoTime();
        Future<?> timer;
        volatile boolean reported;

        TimedCheckout(ConnectionHandle handle, ReferenceQueue<ConnectionHandle> queue, Entry entry) {
            super(handle, queue, entry);
        }

        @Override
        Throwable stack() {
            return stack;
        }

        @Override
        boolean reported() {
            return reported;
        }
    }

    /** A holder of a shared entry, with where it was checked out. */
    private static final class HolderCheckout extends Checkout {

        final Throwable stack = new Throwable("checked out here");

        HolderCheckout(ConnectionHandle handle, ReferenceQueue<ConnectionHandle> queue, Entry entry) {
            super(handle, queue, entry);
        }

        @Override
        Throwable stack() {
            return stack;
        }
    }

    /**
     * The one thread that reports held checkouts. Made on first use, so pools without a threshold never start it,
     * and gone after a quiet spell with nothing to watch, so that it does not outlive its bundle in OSGi. (A pool
     * executor's lone thread does not time out while tasks are queued, so no report is stranded.)
     */
    private static final class Timer {

        static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "poolkit-leak-detector");
            thread.setDaemon(true);
            return thread;
        });

        static {
            EXECUTOR.setRemoveOnCancelPolicy(true);
            EXECUTOR.setKeepAliveTime(30, TimeUnit.SECONDS);
            EXECUTOR.allowCoreThreadTimeOut(true);
        }
    }
}

package org.poolkit.core;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Notices connections their holders never close. Thread-safe.
 *
 * <p>Each entry has an <em>anchor</em>, a bare object, and a {@link Tracker}: a weak reference to the anchor, made
 * once per entry and kept by it. The anchor is held strongly by the entry while the entry is in the pool and by the
 * handle while a holder has it; a handle that goes back returns the anchor to its entry first. So the anchor becomes
 * unreachable only when a holder drops its handle without {@code close()}: the collector then enqueues the tracker,
 * and the next checkout or status call of the pool takes the entry back ({@link #reclaim()}) and gives it a fresh
 * anchor and tracker. A checkout therefore allocates nothing for leak detection; only a leak does.
 *
 * <p>A shared entry (static and thread-local strategies) lends its one anchor to every holder's handle: the first
 * holder takes it from the entry, a joining holder from the tracker ({@link Tracker#get()}), and the last holder's
 * checkin gives it back. So the anchor dies only when every holder left is gone without {@code close()}, and the pool
 * then takes the entry back from all of them at once. A holder that leaks while others still use the connection is
 * counted out when they are done, which is also the earliest its connection could be reset.
 *
 * <p>Capturing the stack of every checkout costs microseconds, so it happens only with
 * {@code leak.detection.threshold} set. Then a checkout held past the threshold is also logged while still held,
 * by one daemon thread shared by every pool.
 */
final class LeakDetector {

    /** The state of a checkout without a threshold: nothing to remember, so one instance serves them all. */
    static final Checkout UNTIMED = new Checkout();

    private final Engine engine;
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final long thresholdNanos;

    LeakDetector(Engine engine, long thresholdNanos) {
        this.engine = engine;
        this.thresholdNanos = thresholdNanos;
    }

    /** Gives an entry a new anchor and the tracker that watches it: when the entry is made, and after a leak. */
    void arm(Entry entry) {
        Object anchor = new Object();
        entry.arm(anchor, new Tracker(anchor, collected, entry));
    }

    /** Starts a checkout; called once per checkout, on the hot path. Allocates only with a threshold set. */
    Checkout track(Entry entry) {
        if (thresholdNanos == 0) {
            return UNTIMED;
        }
        TimedCheckout checkout = new TimedCheckout(entry);
        checkout.timer = Timer.EXECUTOR.schedule(() -> reportHeld(checkout), thresholdNanos, TimeUnit.NANOSECONDS);
        return checkout;
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
        for (Reference<?> ref = collected.poll(); ref != null; ref = collected.poll()) {
            takeBack((Tracker) ref);
        }
    }

    /**
     * Takes an entry back from the holders that dropped its anchor: called for an enqueued tracker, and by a checkout
     * that found a shared entry's anchor gone before the collector enqueued it.
     */
    void takeBack(Tracker tracker) {
        Entry entry = tracker.entry;
        if (entry.holders != null) {
            engine.checkinLeakedShared(entry, tracker);
            return;
        }
        Checkout checkout = entry.checkout();
        // The dropped handle took the entry's anchor with it; the next holder needs one to be watched by.
        arm(entry);
        if (checkout != null) {
            warnLeaked(checkout);
            engine.checkinLeaked(entry);
        }
    }

    void warnLeaked(Checkout checkout) {
        Throwable stack = checkout == null ? null : checkout.stack();
        Engine.LOG.warn("Pool '{}': a connection was garbage collected without close(); the pool took it back{}",
                engine.name(), stack == null
                ? ". Set leak.detection.threshold to record where connections are checked out." : ".", stack);
    }

    private void reportHeld(TimedCheckout checkout) {
        if (checkout.entry.checkout() == checkout) {
            checkout.reported = true;
            Engine.LOG.warn("Pool '{}': possible connection leak: a connection has been checked out for more than "
                    + "{} ms and not returned; {}", engine.name(), TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                    engine.statusAsIs(), checkout.stack);
        }
    }

    /**
     * Notices that an entry's anchor became unreachable: its holders dropped their handles. One per entry. Weak rather
     * than phantom so that a checkout joining a shared entry's holders can take the anchor from it.
     */
    static final class Tracker extends WeakReference<Object> {

        final Entry entry;

        Tracker(Object anchor, ReferenceQueue<Object> queue, Entry entry) {
            super(anchor, queue);
            this.entry = entry;
        }
    }

    /** One checkout, as the leak detector sees it. */
    static class Checkout {

        /** @return where the checkout happened, or null when no threshold is set */
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
        final Entry entry;
        Future<?> timer;
        volatile boolean reported;

        TimedCheckout(Entry entry) {
            this.entry = entry;
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

package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.await;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.poolkit.api.PoolEntry;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;

/** Interleavings of {@link Waiters} that a pool test cannot pin down: each step is held where it must happen. */
class WaitersTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /**
     * A checkin wakes the head for the entry it made idle; before the head looks, the next checkin hands the head
     * its own entry directly. The wake-up the head no longer needs must reach the waiter behind it, or the idle entry
     * lies unseen until that waiter's timeout.
     */
    @Test
    void aWakeUpMeantForAHeadThatIsHandedAnEntryReachesTheNextWaiter() throws Exception {
        Queue<Object> idle = new ConcurrentLinkedQueue<>();
        Waiters.Supply supply = new Waiters.Supply() {
            @Override
            public Object next() {
                return idle.poll();
            }

            @Override
            public boolean any() {
                return !idle.isEmpty();
            }
        };
        HeldClock clock = new HeldClock();
        Waiters waiters = new Waiters(clock);
        Worker<Object> head = Worker.start("head", () -> waiters.await(0, MINUTE, supply));
        await(() -> waiters.count() == 1, "the head to queue");
        Worker<Object> next = Worker.start("next", () -> waiters.await(0, MINUTE, supply));
        await(() -> waiters.count() == 2, "the next waiter to queue");
        clock.holdOnRead(2, head);

        waiters.wakeFirst();
        assertTrue(clock.firstRead.await(10, TimeUnit.SECONDS), "the head never woke empty-handed");
        waiters.wakeFirst();
        assertTrue(clock.heldRead.await(10, TimeUnit.SECONDS), "the head never woke empty-handed a second time");
        PoolEntry idleEntry = new Token(1);
        idle.add(idleEntry);
        waiters.wakeFirst();
        PoolEntry handedOff = new Token(2);
        boolean handed = waiters.handOffToHungry(handedOff);
        clock.release.countDown();

        assertTrue(handed, "the head, past its first millisecond and empty-handed, is hungry");
        assertSame(handedOff, head.join(), "the head gets the entry handed to it");
        assertSame(idleEntry, next.join(), "the waiter behind it gets the idle entry, not its timeout");
    }

    /** Two milliseconds past the start at every read; holds one thread's given read until released. */
    private static final class HeldClock implements LongSupplier {

        final CountDownLatch firstRead = new CountDownLatch(1);
        final CountDownLatch heldRead = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicInteger reads = new AtomicInteger();
        private volatile int heldReadNumber;
        private volatile Worker<?> reader;

        void holdOnRead(int readNumber, Worker<?> worker) {
            heldReadNumber = readNumber;
            reader = worker;
        }

        @Override
        public long getAsLong() {
            if (reader != null && reader.isCurrent()) {
                int read = reads.incrementAndGet();
                firstRead.countDown();
                if (read == heldReadNumber) {
                    heldRead.countDown();
                    // Spins rather than parks: parking would use up the unpark a waker gives the waiter meanwhile.
                    while (release.getCount() > 0) {
                        Thread.onSpinWait();
                    }
                }
            }
            return TimeUnit.MILLISECONDS.toNanos(2);
        }
    }
}

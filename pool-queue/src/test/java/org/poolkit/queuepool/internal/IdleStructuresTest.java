package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.poolkit.api.PoolEntry;
import org.poolkit.queuepool.internal.QueuePoolFixture.Worker;

/** The idle structures of the queue pool on their own: capacity, order, and lock-free concurrent use. */
class IdleStructuresTest {

    @Test
    void ofPicksTheStructureForSizeAndOrder() {
        boolean striped = StripedIdle.stripesFor(3, Runtime.getRuntime().availableProcessors()) > 1;
        assertEquals(striped ? StripedIdle.class : IdleQueue.class, IdleEntries.of(3, false, () -> 0).getClass());
        assertEquals(striped ? StripedIdle.class : IdleStack.class, IdleEntries.of(3, true, () -> 0).getClass());
        assertInstanceOf(IdleQueue.class, IdleEntries.of(2000, false, () -> 0));
        assertInstanceOf(IdleStack.class, IdleEntries.of(2000, true, () -> 0));
        assertInstanceOf(UnboundedIdle.class, IdleEntries.of(0, false, () -> 0));
        assertInstanceOf(UnboundedIdle.class, IdleEntries.of(0, true, () -> 0));
    }

    @Test
    void stripesAreFourTimesTheProcessorsForSmallPoolsOnMachinesWithMoreThanOne() {
        assertEquals(1, StripedIdle.stripesFor(32, 1));
        assertEquals(8, StripedIdle.stripesFor(32, 2));
        assertEquals(16, StripedIdle.stripesFor(32, 3));
        assertEquals(16, StripedIdle.stripesFor(32, 64));
        assertEquals(1, StripedIdle.stripesFor(1025, 8));
    }

    static Stream<Arguments> boundedOfThree() {
        // Striped as if overflow connections existed, so that every offer counts the stripes against the bound.
        return Stream.of(Arguments.of(Named.of("IdleQueue", (Supplier<IdleEntries>) () -> new IdleQueue(3))),
                Arguments.of(Named.of("IdleStack", (Supplier<IdleEntries>) () -> new IdleStack(3))),
                Arguments.of(Named.of("StripedIdle FIFO", (Supplier<IdleEntries>)
                        () -> new StripedIdle(4, 3, IdleQueue::new, () -> Integer.MAX_VALUE))),
                Arguments.of(Named.of("StripedIdle LIFO", (Supplier<IdleEntries>)
                        () -> new StripedIdle(4, 3, IdleStack::new, () -> Integer.MAX_VALUE))));
    }

    static Stream<Arguments> allOfThree() {
        return Stream.concat(boundedOfThree(), Stream.of(
                Arguments.of(Named.of("UnboundedIdle FIFO", (Supplier<IdleEntries>) () -> new UnboundedIdle(false))),
                Arguments.of(Named.of("UnboundedIdle LIFO", (Supplier<IdleEntries>) () -> new UnboundedIdle(true)))));
    }

    @ParameterizedTest
    @MethodSource("boundedOfThree")
    void boundedStructureRefusesAnOfferWhenFullAndTakesOneAgainAfterAPoll(Supplier<IdleEntries> make) {
        IdleEntries idle = make.get();
        List<Token> tokens = tokens(4);

        for (int i = 0; i < 3; i++) {
            assertTrue(idle.offer(tokens.get(i)));
        }
        assertFalse(idle.offer(tokens.get(3)), "a fourth entry in a structure of three");
        assertEquals(3, idle.size());

        idle.poll();
        assertTrue(idle.offer(tokens.get(3)));
        assertEquals(3, idle.size());
    }

    @ParameterizedTest
    @MethodSource("allOfThree")
    void emptyStructurePollsNull(Supplier<IdleEntries> make) {
        IdleEntries idle = make.get();
        assertNull(idle.poll());
        idle.offer(tokens(1).get(0));
        idle.poll();

        assertNull(idle.poll());
        assertEquals(0, idle.size());
    }

    @Test
    void idleQueueHandsOutFirstInFirstOutAcrossTheWrapOfItsRing() {
        IdleQueue idle = new IdleQueue(3);
        List<Integer> polled = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();

        // Fill, poll one, offer one into the freed slot, drain: four positions a round, so the ring's slots shift.
        int next = 0;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 3; i++) {
                assertTrue(idle.offer(new Token(next++)));
            }
            polled.add(((Token) idle.poll()).id());
            assertTrue(idle.offer(new Token(next++)));
            polled.addAll(drain(idle));
        }
        IntStream.range(0, next).forEach(expected::add);

        assertEquals(expected, polled);
    }

    @Test
    void idleStackHandsOutLastInFirstOut() {
        IdleStack idle = new IdleStack(3);
        tokens(3).forEach(idle::offer);

        assertEquals(List.of(2, 1, 0), drain(idle));
    }

    @Test
    void unboundedIdleNeverRefusesAndKeepsItsOrder() {
        UnboundedIdle fifo = new UnboundedIdle(false);
        UnboundedIdle lifo = new UnboundedIdle(true);
        for (Token token : tokens(10_000)) {
            assertTrue(fifo.offer(token));
            assertTrue(lifo.offer(token));
        }

        assertEquals(10_000, fifo.size());
        List<Integer> first = drain(fifo);
        List<Integer> last = drain(lifo);
        assertEquals(IntStream.range(0, 10_000).boxed().toList(), first);
        assertEquals(IntStream.range(0, 10_000).map(i -> 9_999 - i).boxed().toList(), last);
    }

    /**
     * Four threads each take an entry and give it back 100,000 times, over three entries in a structure of three:
     * the structure keeps running empty and full. Each entry is held by one thread at a time, none is lost or
     * duplicated, and the structure ends as it began.
     */
    @ParameterizedTest
    @MethodSource("allOfThree")
    void concurrentOfferAndPollNeitherLoseNorDuplicateAnEntry(Supplier<IdleEntries> make) {
        IdleEntries idle = make.get();
        List<Token> tokens = tokens(3);
        tokens.forEach(idle::offer);
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger heldTwice = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Worker<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Worker.start("idle-user-" + t, () -> {
                start.await();
                for (int cycles = 0; cycles < 100_000; ) {
                    Token token = (Token) idle.poll();
                    if (token == null) {
                        Thread.yield();
                        continue;
                    }
                    if (!token.held().compareAndSet(false, true)) {
                        heldTwice.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    token.held().set(false);
                    if (!idle.offer(token)) {
                        refused.incrementAndGet();
                    }
                    cycles++;
                }
                return null;
            }));
        }
        workers.forEach(Worker::join);

        assertEquals(0, heldTwice.get(), "an entry was handed to two threads at once");
        assertEquals(0, refused.get(), "an offer was refused though the structure cannot have been full");
        assertEquals(3, idle.size());
        List<Integer> left = drain(idle);
        assertEquals(3, left.size());
        assertEquals(new HashSet<>(List.of(0, 1, 2)), new HashSet<>(left));
    }

    /** Two threads in different stripes: each gets back what it returned, and the other's only when it has none. */
    @Test
    void stripedIdleGivesAThreadItsOwnEntriesFirstAndAnothersWhenItHasNone() throws Exception {
        StripedIdle idle = new StripedIdle(4, 4, IdleQueue::new, () -> 0);
        List<Token> tokens = tokens(3);
        CountDownLatch otherOffered = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicReference<PoolEntry> othersPoll = new AtomicReference<>();
        Thread other = inAnotherStripe(() -> {
            idle.offer(tokens.get(2));
            otherOffered.countDown();
            awaitQuietly(checked);
            othersPoll.set(idle.poll());
        });
        other.start();
        otherOffered.await();
        idle.offer(tokens.get(0));
        idle.offer(tokens.get(1));

        List<Integer> mine = List.of(((Token) idle.poll()).id(), ((Token) idle.poll()).id());
        checked.countDown();
        other.join(10_000);

        assertEquals(List.of(0, 1), mine, "this thread's own entries, first in first out, before the other's");
        assertEquals(2, ((Token) othersPoll.get()).id());
        assertEquals(0, idle.size());
        idle.offer(tokens.get(1));
        Thread third = inAnotherStripe(() -> othersPoll.set(idle.poll()));
        third.start();
        third.join(10_000);
        assertEquals(1, ((Token) othersPoll.get()).id(), "taken from another stripe");
    }

    /**
     * Offers that looked while no more entries existed than the capacity found room without counting; by the time
     * they look again (after the offer) more exist, and the one beyond the capacity comes out to be closed.
     */
    @Test
    void stripedIdleGivesBackWhatRacingOffersPutBeyondItsCapacity() throws InterruptedException {
        AtomicInteger opened = new AtomicInteger(2);
        StripedIdle idle = new StripedIdle(4, 2, IdleQueue::new, opened::get);
        List<Token> tokens = tokens(3);
        assertTrue(idle.offer(tokens.get(0)));
        assertTrue(idle.offer(tokens.get(1)));
        assertTrue(offerFromAnotherStripe(idle, tokens.get(2)), "each stripe alone has room for the capacity");
        assertNull(idle.surplus(), "no more entries exist than the capacity: nothing to give back");

        opened.set(3);

        assertEquals(0, ((Token) idle.surplus()).id(), "the longest idle comes out");
        assertNull(idle.surplus());
        assertEquals(2, idle.size());
        assertFalse(idle.offer(new Token(3)), "full, and more entries exist than the capacity");
    }

    /**
     * Three overflow connections come back at once to a pool of two, round after round, each return doing what
     * {@code QueuePool.keepIdle} does: offer, close the entry if refused, else close what {@code surplus()} gives
     * back, and give up its slot for each closed one. Exactly one is closed each round and two stay idle: two returns
     * that both saw three idle must not both take one out.
     */
    @Test
    void stripedIdleClosesExactlyWhatRacingReturnsPutBeyondItsCapacity() {
        int capacity = 2;
        int returns = 3;
        int rounds = 10_000;
        AtomicInteger opened = new AtomicInteger();
        StripedIdle idle = new StripedIdle(4, capacity, IdleQueue::new, opened::get);
        AtomicInteger closed = new AtomicInteger();
        List<String> wrongRounds = new CopyOnWriteArrayList<>();
        CyclicBarrier roundEnd = new CyclicBarrier(returns, () -> {
            int kept = idle.size();
            if (kept != capacity || closed.get() != returns - capacity) {
                wrongRounds.add(kept + " idle, " + closed.get() + " closed");
            }
            idle.drain(entry -> { });
            closed.set(0);
            opened.set(returns);
        });
        opened.set(returns);
        CyclicBarrier roundStart = new CyclicBarrier(returns);
        List<Worker<Void>> workers = new ArrayList<>();
        for (int w = 0; w < returns; w++) {
            Token token = new Token(w);
            workers.add(Worker.start("return-" + w, () -> {
                for (int round = 0; round < rounds; round++) {
                    roundStart.await();
                    PoolEntry toClose = idle.offer(token) ? idle.surplus() : token;
                    if (toClose != null) {
                        closed.incrementAndGet();
                        opened.decrementAndGet();
                    }
                    roundEnd.await();
                }
                return null;
            }));
        }
        workers.forEach(Worker::join);

        assertEquals(List.of(), wrongRounds.subList(0, Math.min(5, wrongRounds.size())),
                wrongRounds.size() + " of " + rounds + " rounds ended wrong");
    }

    /** Offers from a thread in another of the four stripes than the calling thread. */
    private static boolean offerFromAnotherStripe(StripedIdle idle, Token token) throws InterruptedException {
        AtomicBoolean offered = new AtomicBoolean();
        Thread other = inAnotherStripe(() -> offered.set(idle.offer(token)));
        other.start();
        other.join(10_000);
        return offered.get();
    }

    /** An unstarted thread whose id puts it in another of four stripes than the calling thread. */
    private static Thread inAnotherStripe(Runnable task) {
        Thread other = new Thread(task);
        while ((other.getId() & 3) == (Thread.currentThread().getId() & 3)) {
            other = new Thread(task);
        }
        other.setDaemon(true);
        return other;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Stream<Arguments> allOfThreeWithTheirOrder() {
        return allOfThree().map(arguments -> {
            String name = ((Named<?>) arguments.get()[0]).getName();
            boolean lastInFirstOut = name.contains("LIFO") || name.equals("IdleStack");
            List<Integer> order = lastInFirstOut ? List.of(2, 1, 0) : List.of(0, 1, 2);
            return Arguments.of(arguments.get()[0], order);
        });
    }

    @ParameterizedTest
    @MethodSource("allOfThreeWithTheirOrder")
    void drainTakesOutEveryIdleEntryInOrder(Supplier<IdleEntries> make, List<Integer> order) {
        IdleEntries idle = make.get();
        tokens(3).forEach(idle::offer);
        List<Integer> drained = new ArrayList<>();

        idle.drain(entry -> drained.add(((Token) entry).id()));

        assertEquals(order, drained);
        assertEquals(0, idle.size());
        assertNull(idle.poll());
    }

    /**
     * An offer that has claimed its cell but not yet published the entry makes a poll report the queue empty; a
     * drain, which {@code dispose()} relies on, must wait for it and take the entries behind it too.
     */
    @Test
    void queueDrainWaitsForAnOfferStillUnderWay() throws Exception {
        IdleQueue idle = new IdleQueue(4);
        Runnable publishLate = claimCellWithoutPublishing(idle, new Token(0));
        assertTrue(idle.offer(new Token(1)));
        assertNull(idle.poll(), "the claimed cell hides the entry behind it from a poll");
        List<Integer> drained = new CopyOnWriteArrayList<>();
        Worker<Void> drainer = Worker.start("drain", () -> {
            idle.drain(entry -> drained.add(((Token) entry).id()));
            return null;
        });
        QueuePoolFixture.await(() -> drainer.isIn(IdleQueue.class, "drain") || drainer.isDone(),
                "the drain to start");
        assertFalse(drainer.isDone(), "drain returned while an offer was still under way");

        publishLate.run();
        drainer.join();

        assertEquals(List.of(0, 1), drained);
    }

    /**
     * A waiter looks with {@code pollAwaitingPuts} after announcing itself, and the offer that did not see it, whose
     * claim is the only fence it makes, publishes its entry a moment later: the waiter must wait for that entry, not
     * report the pool empty and sleep to its timeout.
     */
    @Test
    void queuePollAwaitingPutsWaitsForAnOfferThatClaimedItsCell() throws Exception {
        IdleQueue idle = new IdleQueue(4);
        Runnable publishLate = claimCellWithoutPublishing(idle, new Token(0));
        assertNull(idle.poll(), "a plain poll misses the offer under way");
        Worker<PoolEntry> waiter = Worker.start("waiter", idle::pollAwaitingPuts);
        QueuePoolFixture.await(() -> waiter.isIn(IdleQueue.class, "pause") || waiter.isDone(),
                "the waiter to wait for the offer");
        assertFalse(waiter.isDone(), "pollAwaitingPuts returned while an offer was still under way");

        publishLate.run();

        assertEquals(0, ((Token) waiter.join()).id());
        assertNull(idle.pollAwaitingPuts(), "empty, and no offer under way: nothing to wait for");
    }

    /**
     * Does the first half of an offer (claims the next cell) and returns the second half (publishes the entry), as a
     * thread descheduled between the two would. Reaches into the queue's fields: there is no other way to stop an
     * offer half-way.
     */
    private static Runnable claimCellWithoutPublishing(IdleQueue idle, Token entry)
            throws ReflectiveOperationException {
        IdleQueue.Cell[] cells = field(idle, "cells");
        long position = (long) MethodHandles.lookup().findVarHandle(IdleQueueTail.class, "tail", long.class)
                .getAndAdd(idle, 1L);
        IdleQueue.Cell cell = cells[(int) position & (cells.length - 1)];
        return () -> {
            cell.entry = entry;
            cell.sequence = position + 1;
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return (T) field.get(owner);
    }

    @Test
    void poolSizeAboveTheLimitIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdleEntries.of(IdleEntries.MAX_SIZE + 1, false, () -> 0));
        assertTrue(e.getMessage().contains("pool.size") && e.getMessage().contains("65535"), e.getMessage());
    }

    private static List<Token> tokens(int n) {
        return IntStream.range(0, n).mapToObj(Token::new).toList();
    }

    private static List<Integer> drain(IdleEntries idle) {
        List<Integer> ids = new ArrayList<>();
        for (PoolEntry entry = idle.poll(); entry != null; entry = idle.poll()) {
            ids.add(((Token) entry).id());
        }
        return ids;
    }

    /** A pool entry reduced to an identity, and a flag a thread sets while it holds the entry. */
}

package org.poolkit.staticpool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolEntry;
import org.poolkit.api.PoolEvents;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.PoolStatus;
import org.poolkit.api.ProxiedConnection;
import org.poolkit.api.spi.PoolContext;
import org.poolkit.api.spi.PoolStrategy;
import org.poolkit.api.spi.PoolStrategyProvider;
import org.poolkit.core.Pools;
import org.poolkit.testkit.FakeClock;
import org.poolkit.testkit.StubConnection;
import org.poolkit.testkit.StubDriver;

/**
 * {@code dispose()} racing a checkout that the strategy has already given the shared entry to. The interleavings are
 * forced on one thread: dispose runs from inside the checkout, at the point the race would reach.
 */
class StaticPoolDisposeRaceTest {

    private final StubDriver driver = new StubDriver();
    private final AtomicReference<Pool> pool = new AtomicReference<>();
    private final AtomicBoolean disposeAtNextStep = new AtomicBoolean();

    /** Disposes the pool once, when armed. */
    private void disposeIfArmed() {
        if (disposeAtNextStep.compareAndSet(true, false)) {
            pool.get().dispose();
        }
    }

    private static StubConnection stub(Connection handle) throws SQLException {
        return handle.unwrap(StubConnection.class);
    }

    private static void execute(Connection handle) throws SQLException {
        try (Statement statement = handle.createStatement()) {
            statement.execute("SELECT 1");
        }
    }

    /**
     * A provider of StaticPools over {@code context} as {@code wrap} changes it, whose checkout runs
     * {@code afterChoice} once StaticPool has chosen the entry, before the engine takes it.
     */
    private static PoolStrategyProvider staticPool(UnaryOperator<PoolContext> wrap, Runnable afterChoice) {
        return new PoolStrategyProvider() {
            @Override
            public String name() {
                return StaticPoolProvider.NAME;
            }

            @Override
            public PoolStrategy create(PoolContext context) {
                StaticPool real = new StaticPool(wrap.apply(context));
                return new PoolStrategy() {
                    @Override
                    public PoolEntry checkout() throws SQLException {
                        PoolEntry chosen = real.checkout();
                        afterChoice.run();
                        return chosen;
                    }

                    @Override
                    public void checkin(PoolEntry entry) {
                        real.checkin(entry);
                    }

                    @Override
                    public void dispose() {
                        real.dispose();
                    }

                    @Override
                    public PoolStatus status() {
                        return real.status();
                    }
                };
            }
        };
    }

    /** A StaticPool whose checkout lets dispose() run after it has chosen the entry, before the engine takes it. */
    private Pool disposingAfterTheStrategyChose() {
        PoolStrategyProvider provider = staticPool(context -> context, this::disposeIfArmed);
        Pool created = Pools.create(provider, driver, PoolSettings.defaults().withName("static-race"),
                new FakeClock());
        pool.set(created);
        return created;
    }

    /**
     * dispose() closes the idle connection after StaticPool chose it for a checkout: the checkout gets the pool's
     * new connection, the one the next checkout shares, not a second one of its own.
     */
    @Test
    void disposeBetweenTheChoiceAndTheCheckoutLeavesOneWorkingConnection() throws SQLException {
        Pool racing = disposingAfterTheStrategyChose();
        StubConnection first;
        try (ProxiedConnection handle = racing.checkout()) {
            first = stub(handle);
        }
        disposeAtNextStep.set(true);
        try (ProxiedConnection handle = racing.checkout(); ProxiedConnection joiner = racing.checkout()) {
            assertFalse(disposeAtNextStep.get(), "dispose ran inside the checkout");
            assertFalse(stub(handle).isPhysicallyClosed());
            execute(handle);
            assertSame(stub(handle), stub(joiner), "still one connection shared by every checkout");
        }
        assertEquals(1, driver.open(), "the disposed one closed, the new one kept: " + driver);
        assertTrue(first.isPhysicallyClosed(), "dispose closed the first connection");
    }

    /**
     * dispose() runs while the engine readies the entry for its first holder (here from the recycle check's clock
     * read): the checkout must not hand out the connection dispose is closing.
     */
    @Test
    void disposeWhileTheFirstHolderIsReadiedNeverHandsOutAClosedConnection() throws SQLException {
        FakeClock time = new FakeClock();
        LongSupplier clock = () -> {
            disposeIfArmed();
            return time.getAsLong();
        };
        Pool racing = Pools.create(StaticPoolProvider.NAME, driver,
                PoolSettings.defaults().withName("static-race").withRecycle(Duration.ofHours(1)), clock);
        pool.set(racing);
        racing.checkout().close();

        disposeAtNextStep.set(true);
        try (ProxiedConnection handle = racing.checkout()) {
            assertFalse(disposeAtNextStep.get(), "dispose ran inside the checkout");
            assertFalse(stub(handle).isPhysicallyClosed(), "handed out a connection dispose closed");
            execute(handle);
            try (ProxiedConnection joiner = racing.checkout()) {
                assertSame(stub(handle), stub(joiner), "still one connection shared by every checkout");
            }
        }
        assertEquals(0, racing.status().checkedOut());
        try (ProxiedConnection after = racing.checkout()) {
            execute(after);
        }
        assertEquals(1, driver.open(), driver.toString());
    }
    /**
     * Four threads check out, use and return the connection while a fifth disposes the pool again and again: no
     * checkout gets a closed connection, no connection is closed under a holder, and once all are back at most one is
     * open.
     */
    @Test
    void checkoutsRacingRepeatedDisposeNeverUseAClosedConnection() throws Exception {
        Pool racing = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("static-race"));
        int users = 4;
        int iterations = 300;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean usersDone = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(users + 1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < users; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                        try (ProxiedConnection handle = racing.checkout()) {
                            StubConnection driverConnection = stub(handle);
                            assertFalse(driverConnection.isPhysicallyClosed(), "checked out a closed connection");
                            execute(handle);
                            assertFalse(driverConnection.isPhysicallyClosed(), "closed under its holder");
                        }
                    }
                    return null;
                }));
            }
            Future<?> disposer = executor.submit(() -> {
                start.await();
                while (!usersDone.get()) {
                    racing.dispose();
                    Thread.yield();
                }
                return null;
            });
            start.countDown();
            try {
                for (Future<?> result : results) {
                    result.get(60, TimeUnit.SECONDS);
                }
            } finally {
                usersDone.set(true);
            }
            disposer.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertEquals(0, racing.status().checkedOut());
        assertTrue(driver.open() <= 1, "at most the pool's one connection is open: " + driver);
        assertEquals(driver.open(), racing.status().open());
    }
    /**
     * A listener that checks the shared connection out again from inside its checkout or checkin is refused with an
     * error, rather than joining a checkout that is half done (or, worse, spinning for ever on it).
     */
    @Test
    void aListenerCheckingOutFromInsideACheckoutOrCheckinIsRefused() throws Exception {
        Pool reentered = Pools.create(StaticPoolProvider.NAME, driver, PoolSettings.defaults().withName("reentry"));
        List<Throwable> refusals = new CopyOnWriteArrayList<>();
        AtomicBoolean reenter = new AtomicBoolean(true);
        PoolEvents checkingOutAgain = new PoolEvents() {
            @Override
            public void checkout(Connection connection, PoolEntry entry, ProxiedConnection proxy) {
                tryAgain();
            }

            @Override
            public void checkin(Connection connection, PoolEntry entry) {
                tryAgain();
            }

            private void tryAgain() {
                if (!reenter.get()) {
                    return;
                }
                try (ProxiedConnection nested = reentered.checkout()) {
                    refusals.add(new AssertionError("checked out " + nested + " from inside a listener"));
                } catch (SQLException expected) {
                    refusals.add(expected);
                }
            }
        };
        reentered.addListener(checkingOutAgain);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            thread.submit(() -> {
                reentered.checkout().close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
        assertEquals(2, refusals.size(), refusals.toString());
        for (Throwable refusal : refusals) {
            assertTrue(refusal instanceof SQLException, refusal.toString());
        }
        reenter.set(false);
        try (ProxiedConnection after = reentered.checkout()) {
            execute(after);
        }
        assertEquals(0, reentered.status().checkedOut());
        assertEquals(1, driver.open());
    }
    /**
     * A checkout that chose the connection before dispose() let go of it, and takes it while dispose is discarding
     * it, keeps it (on a new connection, as dispose() made the old one stale); and it stays the pool's one connection,
     * which the next checkout joins rather than opening a second one beside it.
     */
    @Test
    void aCheckoutTakingTheConnectionWhileDisposeDiscardsItKeepsItThePoolsOne() throws Exception {
        CountDownLatch chosen = new CountDownLatch(1);
        CountDownLatch claimNow = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch returnNow = new CountDownLatch(1);
        AtomicBoolean pauseAfterChoice = new AtomicBoolean();
        AtomicBoolean claimDuringDiscard = new AtomicBoolean();
        UnaryOperator<PoolContext> discardingAfterAClaim = context -> new PoolContext() {
            @Override
            public String poolName() {
                return context.poolName();
            }

            @Override
            public PoolSettings settings() {
                return context.settings();
            }

            @Override
            public PoolEntry newEntry() throws SQLException {
                return context.newEntry();
            }

            @Override
            public PoolEntry newSharedEntry() throws SQLException {
                return context.newSharedEntry();
            }

            @Override
            public void discard(PoolEntry entry) {
                if (claimDuringDiscard.compareAndSet(true, false)) {
                    claimNow.countDown();
                    await(holding);
                }
                context.discard(entry);
            }

            @Override
            public int openConnections() {
                return context.openConnections();
            }

            @Override
            public long nanoTime() {
                return context.nanoTime();
            }
        };
        PoolStrategyProvider provider = staticPool(discardingAfterAClaim, () -> {
            if (pauseAfterChoice.compareAndSet(true, false)) {
                chosen.countDown();
                await(claimNow);
            }
        });
        Pool racing = Pools.create(provider, driver, PoolSettings.defaults().withName("static-race"), new FakeClock());
        racing.checkout().close();
        StubConnection original = driver.connections().get(0);

        pauseAfterChoice.set(true);
        claimDuringDiscard.set(true);
        AtomicReference<StubConnection> held = new AtomicReference<>();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = thread.submit(() -> {
                try (ProxiedConnection handle = racing.checkout()) {
                    held.set(stub(handle));
                    holding.countDown();
                    await(returnNow);
                    execute(handle);
                }
                return null;
            });
            assertTrue(chosen.await(10, TimeUnit.SECONDS));
            racing.dispose();
            try (ProxiedConnection next = racing.checkout()) {
                assertSame(held.get(), stub(next), "joined the held connection, opened no second one");
                assertEquals(1, driver.open());
                returnNow.countDown();
                holder.get(10, TimeUnit.SECONDS);
            }
        } finally {
            thread.shutdownNow();
        }
        assertTrue(original.isPhysicallyClosed(), "the connection from before dispose() is closed");
        try (ProxiedConnection after = racing.checkout()) {
            assertSame(held.get(), stub(after), "the one opened after dispose() is the pool's connection");
            execute(after);
        }
        assertEquals(1, driver.open());
        assertEquals(2, driver.opened());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other side of the race never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

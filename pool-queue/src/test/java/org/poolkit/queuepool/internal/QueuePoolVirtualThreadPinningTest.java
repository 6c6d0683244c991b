package org.poolkit.queuepool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.poolkit.queuepool.internal.QueuePoolFixture.queuePool;
import static org.poolkit.queuepool.internal.QueuePoolFixture.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.poolkit.api.ConnectionCreator;
import org.poolkit.api.Pool;
import org.poolkit.testkit.StubDriver;
import org.poolkit.testkit.VirtualThreads;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Virtual threads checking out, checking in and connecting through a queue pool never pin their carrier: JFR's
 * {@code jdk.VirtualThreadPinned} (threshold zero) records no event whose stack passes through poolkit while many
 * more virtual threads than connections wait, hand connections to each other and open new ones with a creator that
 * blocks. Skipped on Java 17; the root pom's jdk25-virtual-threads profile runs it on JDK 25.
 */
@Tag("virtual-threads")
class QueuePoolVirtualThreadPinningTest {

    private static final int THREADS = 200;
    private static final int CYCLES = 20;

    private final StubDriver driver = new StubDriver();

    @BeforeEach
    void needsVirtualThreads() {
        assumeTrue(VirtualThreads.available(), VirtualThreads.UNAVAILABLE);
    }

    @Test
    void checkoutCheckinAndConnectDoNotPinTheCarrier(@TempDir Path dir) throws Exception {
        // Connecting blocks (parks the virtual thread), as a driver waiting on the network would.
        AtomicInteger connects = new AtomicInteger();
        ConnectionCreator slowCreator = entry -> {
            connects.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while connecting", e);
            }
            return driver.create(entry);
        };
        // Four connections kept, four more opened under load and closed again: waits, hand-offs and connects.
        Pool pool = queuePool(slowCreator, settings(4, 4).withRecycle(Duration.ofMillis(5)));
        // Once unrecorded: a virtual thread that waits for another to finish loading a class is pinned meanwhile
        // (the JVM loads classes under a monitor), which says nothing about the pool's own waits.
        runVirtualThreads(pool, 20);
        int connectsBefore = connects.get();
        Path recordingFile = dir.resolve("pinning.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            runVirtualThreads(pool, THREADS);
            recording.stop();
            recording.dump(recordingFile);
        }

        List<String> pinnedInPoolkit = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recordingFile)) {
            if (event.getStackTrace() == null) {
                continue;
            }
            String stack = event.getStackTrace().getFrames().stream().map(RecordedFrame::getMethod)
                    .map(method -> method.getType().getName() + "." + method.getName())
                    .collect(Collectors.joining(" < "));
            if (stack.contains("org.poolkit.")) {
                pinnedInPoolkit.add(stack);
            }
        }
        assertTrue(connects.get() - connectsBefore > 4, "the recorded run opened connections beyond four: "
                + (connects.get() - connectsBefore));
        assertTrue(Files.size(recordingFile) > 0, "JFR wrote the recording");
        assertEquals(List.of(), pinnedInPoolkit, "virtual threads pinned their carrier inside poolkit");
        assertEquals(0, pool.status().checkedOut());
    }

    private static void runVirtualThreads(Pool pool, int threads) throws Exception {
        ExecutorService executor = VirtualThreads.newThreadPerTaskExecutor();
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(executor.submit(() -> {
                    for (int cycle = 0; cycle < CYCLES; cycle++) {
                        try (java.sql.Connection connection = pool.checkout()) {
                            // Hold it across a park, so that others wait and are handed it.
                            Thread.sleep(1);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}

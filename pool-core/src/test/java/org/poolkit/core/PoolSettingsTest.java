package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ResetStyle;

/**
 * {@link PoolSettings} and {@link ResetStyle#parse}: the configuration table's defaults, and bad values rejected with a
 * message naming the property and the value. (PoolSettings lives in pool-api, which has no tests of its own.)
 */
class PoolSettingsTest {

    private static final PoolSettings DEFAULTS = PoolSettings.defaults();

    /** Asserts that making the settings fails with a message naming the property and the value. */
    private static void assertRejected(String property, String value, Executable make) {
        String message = assertThrows(IllegalArgumentException.class, make).getMessage();
        assertAll(message, () -> assertTrue(message.contains(property)), () -> assertTrue(message.contains(value)));
    }

    @Test
    void defaultsAreTheConfigurationTables() {
        assertAll(() -> assertEquals(5, DEFAULTS.poolSize()), () -> assertEquals(10, DEFAULTS.maxOverflow()),
                () -> assertEquals(Duration.ofSeconds(30), DEFAULTS.timeout()),
                () -> assertFalse(DEFAULTS.useLifo()), () -> assertFalse(DEFAULTS.recycles()),
                () -> assertFalse(DEFAULTS.prePing()),
                () -> assertEquals(ResetStyle.ROLLBACK, DEFAULTS.resetOnReturn()),
                () -> assertFalse(DEFAULTS.detectsLeaks()));
    }

    @Test
    void negativePoolSizeIsRejected() {
        assertRejected("pool.size", "-1", () -> DEFAULTS.withPoolSize(-1));
    }

    @Test
    void maxOverflowBelowMinusOneIsRejected() {
        assertRejected("max.overflow", "-2", () -> DEFAULTS.withMaxOverflow(-2));
    }

    @Test
    void maxOverflowMinusOneIsAccepted() {
        assertEquals(-1, DEFAULTS.withMaxOverflow(-1).maxOverflow());
    }

    @Test
    void negativeTimeoutIsRejected() {
        assertRejected("timeout", "PT-1S", () -> DEFAULTS.withTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void missingTimeoutIsRejected() {
        assertRejected("timeout", "null", () -> DEFAULTS.withTimeout(null));
    }

    @Test
    void negativeLeakDetectionThresholdIsRejected() {
        assertRejected("leak.detection.threshold", "PT-0.001S",
                () -> DEFAULTS.withLeakDetectionThreshold(Duration.ofMillis(-1)));
    }

    @Test
    void blankNameIsRejected() {
        assertRejected("name", "' '", () -> DEFAULTS.withName(" "));
    }

    @Test
    void anyNegativeRecycleMeansNever() {
        PoolSettings settings = DEFAULTS.withRecycle(Duration.ofMinutes(-5));

        assertEquals(PoolSettings.NEVER, settings.recycle());
        assertFalse(settings.recycles());
        assertTrue(DEFAULTS.withRecycle(Duration.ZERO).recycles());
    }

    @Test
    void withChangesOneValueOnly() {
        PoolSettings changed = DEFAULTS.withPoolSize(8);

        assertEquals(8, changed.poolSize());
        assertEquals(DEFAULTS, changed.withPoolSize(DEFAULTS.poolSize()));
    }

    @ParameterizedTest
    @CsvSource({"rollback, ROLLBACK", "COMMIT, COMMIT", "' None ', NONE"})
    void resetStyleParsesItsNamesInAnyCase(String value, ResetStyle expected) {
        assertEquals(expected, ResetStyle.parse(value));
    }

    @Test
    void resetStyleRejectsUnknownAndMissingValuesNamingThem() {
        assertRejected("reset.on.return", "'hi'", () -> ResetStyle.parse("hi"));
        assertRejected("reset.on.return", "'null'", () -> ResetStyle.parse(null));
    }
}

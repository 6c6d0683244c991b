package org.poolkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ResetStyle;

class PoolConfigTest {

    @Test
    void missingKeysTakeTheDefaults() {
        assertEquals(PoolSettings.defaults().withName("ds"), PoolConfig.settings("ds", Map.of()));
        assertEquals("queue", PoolConfig.strategy(Map.of()));
    }

    @Test
    void stringsAndTypedValuesReadTheSame() {
        PoolSettings fromStrings = PoolConfig.settings("ds", Map.of("pool.size", "7", "max.overflow", "-1",
                "timeout", "2.5", "use.lifo", "TRUE", "recycle", "3600", "pre.ping", "true",
                "reset.on.return", "commit", "leak.detection.threshold", "10"));
        PoolSettings typed = PoolConfig.settings("ds", Map.of("pool.size", 7, "max.overflow", -1L,
                "timeout", 2.5d, "use.lifo", true, "recycle", 3600, "pre.ping", Boolean.TRUE,
                "reset.on.return", "COMMIT", "leak.detection.threshold", 10L));
        assertEquals(fromStrings, typed);
        assertEquals(7, typed.poolSize());
        assertEquals(-1, typed.maxOverflow());
        assertEquals(Duration.ofMillis(2500), typed.timeout());
        assertEquals(Duration.ofHours(1), typed.recycle());
        assertEquals(ResetStyle.COMMIT, typed.resetOnReturn());
        assertEquals(Duration.ofSeconds(10), typed.leakDetectionThreshold());
    }

    @Test
    void negativeRecycleMeansNever() {
        assertEquals(PoolSettings.NEVER, PoolConfig.settings("ds", Map.of("recycle", "-5")).recycle());
    }

    @Test
    void strategyIsTrimmedAndLowerCased() {
        assertEquals("threadlocal", PoolConfig.strategy(Map.of("strategy", " ThreadLocal ")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pool.size|-1|pool.size must be 0 (no limit) or more; was -1",
        "pool.size|five|pool.size must be a whole number; was 'five'",
        "pool.size|2.5|pool.size must be a whole number; was '2.5'",
        "pool.size|''|pool.size must be a whole number; was ''",
        "pool.size|99999999999|pool.size must be a whole number; was '99999999999'",
        "max.overflow|-2|max.overflow must be -1 (no limit) or more; was -2",
        "timeout|-1|timeout must be zero or more seconds; was '-1'",
        "timeout|soon|timeout must be a number of seconds; was 'soon'",
        "timeout|NaN|timeout must be a number of seconds up to 2147483647; was 'NaN'",
        "timeout|1e300|timeout must be a number of seconds up to 2147483647; was '1e300'",
        "use.lifo|yes|use.lifo must be true or false; was 'yes'",
        "pre.ping|1|pre.ping must be true or false; was '1'",
        "reset.on.return|undo|reset.on.return must be one of rollback, commit, none; was 'undo'",
        "leak.detection.threshold|-3|leak.detection.threshold must be zero or more seconds; was '-3'",
    })
    void aBadValueIsNamedWithItsProperty(String key, String value, String message) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PoolConfig.settings("ds", Map.of(key, value)));
        assertEquals(message, error.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PoolConfig.settings("ds", Map.of("pool.size", new String[] {"5"})));
        assertTrue(error.getMessage().startsWith("pool.size must be a whole number; was '"));
        assertThrows(IllegalArgumentException.class, () -> PoolConfig.strategy(Map.of("strategy", " ")));
    }
}

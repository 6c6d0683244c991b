package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.poolkit.api.PoolSettings;
import org.poolkit.api.ResetStyle;

/** Settings, seconds and latencies written as a configuration file and a person read them. */
class FormatsTest {

    @Test
    void settingsReadAsConfigurationKeysInTheTablesOrder() {
        PoolSettings settings = PoolSettings.defaults().withTimeout(Duration.ofMillis(2500))
                .withRecycle(Duration.ofSeconds(3600)).withResetOnReturn(ResetStyle.COMMIT);

        Map<String, String> values = Formats.settings(settings);

        assertEquals(List.of("pool.size", "max.overflow", "timeout", "use.lifo", "recycle", "pre.ping",
                "reset.on.return", "leak.detection.threshold"), List.copyOf(values.keySet()));
        assertEquals(List.of("5", "10", "2.5", "false", "3600", "false", "commit", "0"),
                List.copyOf(values.values()));
        assertEquals("-1", Formats.settings(PoolSettings.defaults()).get("recycle"), "never recycle reads -1");
    }

    @Test
    void latenciesTakeTheUnitThatFitsWithThreeDigits() {
        assertEquals("850 ns", Formats.latency(850));
        assertEquals("1.00 us", Formats.latency(1_000));
        assertEquals("12.3 us", Formats.latency(12_345));
        assertEquals("456 us", Formats.latency(456_000));
        assertEquals("4.56 ms", Formats.latency(4_560_000));
        assertEquals("2.00 s", Formats.latency(2_000_000_000));
    }

    @Test
    void secondsDropTrailingZeros() {
        assertEquals("30", Formats.seconds(Duration.ofSeconds(30)));
        assertEquals("0.25", Formats.seconds(Duration.ofMillis(250)));
        assertEquals("0", Formats.seconds(Duration.ZERO));
    }
}

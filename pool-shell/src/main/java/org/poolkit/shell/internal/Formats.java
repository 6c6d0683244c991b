package org.poolkit.shell.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.poolkit.api.PoolSettings;
import org.poolkit.core.PoolConfig;
import org.poolkit.datasource.ManagedDataSource;

/** How the commands write states, settings and durations. Stateless. */
final class Formats {

    private Formats() {
    }

    /** @return the data source's state in a few words: {@code active}, or what it waits for, or why it is rejected */
    static String state(ManagedDataSource dataSource) {
        switch (dataSource.state()) {
            case ACTIVE:
                return dataSource.problem().isPresent() ? "active (last change rejected)" : "active";
            case WAITING_FOR_STRATEGY:
                return "waiting for strategy '" + dataSource.strategy() + "'";
            case WAITING_FOR_DRIVER:
                return "waiting for DataSourceFactory " + dataSource.driver();
            default:
                return "rejected";
        }
    }

    /**
     * @return the settings as configuration keys and values, in the configuration table's order, written the way a
     *         configuration file would give them
     */
    static Map<String, String> settings(PoolSettings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PoolConfig.POOL_SIZE, String.valueOf(settings.poolSize()));
        values.put(PoolConfig.MAX_OVERFLOW, String.valueOf(settings.maxOverflow()));
        values.put(PoolConfig.TIMEOUT, seconds(settings.timeout()));
        values.put(PoolConfig.USE_LIFO, String.valueOf(settings.useLifo()));
        values.put(PoolConfig.RECYCLE, settings.recycles() ? seconds(settings.recycle()) : "-1");
        values.put(PoolConfig.PRE_PING, String.valueOf(settings.prePing()));
        values.put(PoolConfig.RESET_ON_RETURN, settings.resetOnReturn().name().toLowerCase(Locale.ROOT));
        values.put(PoolConfig.LEAK_DETECTION_THRESHOLD, seconds(settings.leakDetectionThreshold()));
        return values;
    }

    /** @return whole or fractional seconds without trailing zeros: {@code 30}, {@code 2.5} */
    static String seconds(Duration duration) {
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString();
    }

    /**
     * @return a latency with three significant digits at most, in the unit that fits: {@code 850 ns}, {@code 12.3 us}
     */
    static String latency(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return threeDigits(nanos / 1e3) + " us";
        }
        if (nanos < 1_000_000_000) {
            return threeDigits(nanos / 1e6) + " ms";
        }
        return threeDigits(nanos / 1e9) + " s";
    }

    private static String threeDigits(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}

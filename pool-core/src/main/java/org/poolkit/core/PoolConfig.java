package org.poolkit.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.poolkit.api.PoolSettings;
import org.poolkit.api.ResetStyle;

/**
 * Reads a pool's strategy and settings from configuration properties, named as in the configuration table of the
 * design ({@code strategy}, {@code pool.size}, {@code max.overflow}, {@code timeout}, {@code use.lifo},
 * {@code recycle}, {@code pre.ping}, {@code reset.on.return}, {@code leak.detection.threshold}). Values may be
 * strings (a properties file, a {@code .cfg}) or typed (Configuration Admin, metatype): {@code "7"} and {@code 7}
 * read the same. Times are seconds and may have a fraction ({@code 2.5}). A missing key takes its default; other keys
 * are ignored, so the same map may carry the data source's own properties.
 *
 * <p>Every bad value fails with an {@link IllegalArgumentException} whose message names the property and the value
 * as given. Nothing here sees a password: the caller passes the whole map, but only the keys above are read.
 */
public final class PoolConfig {

    /** The strategy to use when none is configured. */
    public static final String DEFAULT_STRATEGY = "queue";

    /** The property {@value}. */
    public static final String STRATEGY = "strategy";
    /** The property {@value}. */
    public static final String POOL_SIZE = "pool.size";
    /** The property {@value}. */
    public static final String MAX_OVERFLOW = "max.overflow";
    /** The property {@value}. */
    public static final String TIMEOUT = "timeout";
    /** The property {@value}. */
    public static final String USE_LIFO = "use.lifo";
    /** The property {@value}. */
    public static final String RECYCLE = "recycle";
    /** The property {@value}. */
    public static final String PRE_PING = "pre.ping";
    /** The property {@value}. */
    public static final String RESET_ON_RETURN = "reset.on.return";
    /** The property {@value}. */
    public static final String LEAK_DETECTION_THRESHOLD = "leak.detection.threshold";

    /** The keys this class reads. */
    public static final Set<String> KEYS = Set.of(STRATEGY, POOL_SIZE, MAX_OVERFLOW, TIMEOUT, USE_LIFO, RECYCLE,
            PRE_PING, RESET_ON_RETURN, LEAK_DETECTION_THRESHOLD);

    private PoolConfig() {
    }

    /**
     * @param properties the configuration
     * @return the configured strategy's name, lower case, or {@link #DEFAULT_STRATEGY}
     * @throws IllegalArgumentException when {@code strategy} is blank or not a string
     */
    public static String strategy(Map<String, ?> properties) {
        Object value = properties.get(STRATEGY);
        if (value == null) {
            return DEFAULT_STRATEGY;
        }
        if (!(value instanceof String) || ((String) value).isBlank()) {
            throw invalid(STRATEGY, value, "a strategy name such as queue, null, static, threadlocal or assertion");
        }
        return ((String) value).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name       the pool's name
     * @param properties the configuration
     * @return the settings: each configured value, the default for each missing one
     * @throws IllegalArgumentException naming the property and the value, for the first bad one
     */
    public static PoolSettings settings(String name, Map<String, ?> properties) {
        PoolSettings defaults = PoolSettings.defaults();
        int poolSize = integer(properties, POOL_SIZE, defaults.poolSize());
        int maxOverflow = integer(properties, MAX_OVERFLOW, defaults.maxOverflow());
        Duration timeout = seconds(properties, TIMEOUT, defaults.timeout());
        boolean useLifo = bool(properties, USE_LIFO, defaults.useLifo());
        Duration recycle = seconds(properties, RECYCLE, defaults.recycle());
        boolean prePing = bool(properties, PRE_PING, defaults.prePing());
        ResetStyle reset = resetStyle(properties, defaults.resetOnReturn());
        Duration leakThreshold = seconds(properties, LEAK_DETECTION_THRESHOLD, defaults.leakDetectionThreshold());
        return new PoolSettings(name, poolSize, maxOverflow, timeout, useLifo, recycle, prePing, reset,
                leakThreshold);
    }

    private static int integer(Map<String, ?> properties, String key, int fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Long && (long) value == (int) (long) value) {
            return (int) (long) value;
        }
        if (value instanceof String) {
            try {
                return Integer.parseInt(((String) value).trim());
            } catch (NumberFormatException notAnInt) {
                // reported below
            }
        }
        throw invalid(key, value, "a whole number");
    }

    private static Duration seconds(Map<String, ?> properties, String key, Duration fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        double seconds;
        if (value instanceof Number) {
            seconds = ((Number) value).doubleValue();
        } else if (value instanceof String) {
            try {
                seconds = Double.parseDouble(((String) value).trim());
            } catch (NumberFormatException notANumber) {
                throw invalid(key, value, "a number of seconds");
            }
        } else {
            throw invalid(key, value, "a number of seconds");
        }
        if (!Double.isFinite(seconds) || Math.abs(seconds) > Integer.MAX_VALUE) {
            throw invalid(key, value, "a number of seconds up to " + Integer.MAX_VALUE);
        }
        if (seconds < 0 && !key.equals(RECYCLE)) {
            throw invalid(key, value, "zero or more seconds");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static boolean bool(Map<String, ?> properties, String key, boolean fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof String) {
            switch (((String) value).trim().toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    break;
            }
        }
        throw invalid(key, value, "true or false");
    }

    private static ResetStyle resetStyle(Map<String, ?> properties, ResetStyle fallback) {
        Object value = properties.get(RESET_ON_RETURN);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String) {
            return ResetStyle.parse((String) value);
        }
        throw invalid(RESET_ON_RETURN, value, "one of rollback, commit, none");
    }

    private static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException(key + " must be " + expected + "; was '" + value + "'");
    }
}

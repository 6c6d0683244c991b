package org.poolkit.shell.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.PoolConfig;
import org.poolkit.core.Urls;
import org.poolkit.datasource.ManagedDataSource;

/**
 * The keys {@code pool:set} and {@code pool:create} accept, and the check of a value before it is written: a bad one
 * is refused at the shell, with the message the data source would have logged, instead of being rejected by the data
 * source later. Stateless.
 */
final class ConfigKeys {

    /** The key that names the strategy. */
    static final String STRATEGY = PoolConfig.STRATEGY;
    static final String PASSWORD = DataSourceFactory.JDBC_PASSWORD;
    /** Keys with this prefix go to the driver; any name is allowed after it. */
    static final String DRIVER_PREFIX = "jdbc.";

    /** Keys of how connections are opened (besides the {@code jdbc.*} ones). */
    private static final Set<String> CONNECTION_KEYS = Set.of(DataSourceFactory.JDBC_URL,
            DataSourceFactory.JDBC_USER, PASSWORD, DataSourceFactory.OSGI_JDBC_DRIVER_NAME,
            DataSourceFactory.OSGI_JDBC_DRIVER_CLASS, "osgi.jndi.service.name");

    private ConfigKeys() {
    }

    /**
     * Checks that {@code key} may be set and that the configuration {@code after} setting it is one the data source
     * takes.
     *
     * @param name       the data source's name
     * @param after      the configuration's properties with the new value in place
     * @param key        the key being set
     * @param strategies the strategies installed now
     * @throws CommandError naming the key and the value (never the password's)
     */
    static void check(String name, Map<String, ?> after, String key, Collection<String> strategies) {
        if (key.equals(ManagedDataSource.DATA_SOURCE_NAME)) {
            throw CommandError.of("dataSourceName cannot be changed: consumers find the data source by it; create a"
                    + " new data source and delete this one instead");
        }
        if (!PoolConfig.KEYS.contains(key) && !CONNECTION_KEYS.contains(key)
                && !(key.startsWith(DRIVER_PREFIX) && key.length() > DRIVER_PREFIX.length())) {
            throw CommandError.usage("unknown key '" + key + "'; known keys: " + known());
        }
        try {
            String strategy = PoolConfig.strategy(after);
            PoolConfig.settings(name, after);
            if (key.equals(STRATEGY) && !strategies.contains(strategy)) {
                throw CommandError.of("strategy must name an installed strategy; was '" + strategy + "' (installed: "
                        + new TreeSet<>(strategies) + ")");
            }
        } catch (IllegalArgumentException e) {
            throw CommandError.of(e.getMessage());
        }
        Object url = after.get(DataSourceFactory.JDBC_URL);
        if (url == null || String.valueOf(url).isBlank()) {
            throw CommandError.of("url must be set to the JDBC url of the database; it is missing");
        }
    }

    /**
     * @param password the configured password, or null: masked in a url wherever it appears
     * @return the value fit for output: a password's is never shown, nor one in a url
     */
    static String shown(String key, Object value, Object password) {
        if (value == null) {
            return "(unset" + defaultOf(key) + ")";
        }
        if (isSecret(key)) {
            return "***";
        }
        String text = String.valueOf(value);
        return key.equals(DataSourceFactory.JDBC_URL) ? Urls.shown(text, text(password)) : text;
    }

    /** A password may be typed as a {@code char[]} by metatype. */
    private static String text(Object password) {
        if (password instanceof char[]) {
            return new String((char[]) password);
        }
        return password == null ? null : String.valueOf(password);
    }

    /**
     * @return whether the key holds a password: {@code password} and a driver's own, such as {@code jdbc.password}
     *         or {@code jdbc.PWD}
     */
    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.endsWith("password") || lower.endsWith("pwd");
    }

    private static String defaultOf(String key) {
        if (key.equals(STRATEGY)) {
            return ", default " + PoolConfig.DEFAULT_STRATEGY;
        }
        String value = Formats.settings(PoolSettings.defaults()).get(key);
        return value == null ? "" : ", default " + value;
    }

    private static String known() {
        Set<String> keys = new TreeSet<>(PoolConfig.KEYS);
        keys.addAll(CONNECTION_KEYS);
        keys.add(DRIVER_PREFIX + "*");
        return String.join(", ", keys);
    }
}

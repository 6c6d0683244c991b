package org.poolkit.shell.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.PoolConfig;
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

    /** A password given in the url ({@code ;password=...}, {@code ?pwd=...}), as the data source masks it. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)((?:password|pwd)=)[^;&]*");
    /** A password in the url's user info ({@code //user:password@host}). */
    private static final Pattern PASSWORD_IN_USER_INFO = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");

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
     * @return the value fit for output: a password's is never shown, whether it is the password key's, a driver
     *         key's ({@code jdbc.password}) or inside the url
     */
    static String shown(String key, Object value) {
        if (value == null) {
            return "(unset" + defaultOf(key) + ")";
        }
        if (key.toLowerCase(Locale.ROOT).contains(PASSWORD)) {
            return "***";
        }
        if (key.equals(DataSourceFactory.JDBC_URL)) {
            String url = PASSWORD_IN_USER_INFO.matcher(String.valueOf(value)).replaceAll("$1***@");
            return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
        }
        return String.valueOf(value);
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

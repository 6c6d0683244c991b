package org.poolkit.datasource.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.PoolConfig;
import org.poolkit.core.Urls;

/**
 * One factory configuration of {@code org.poolkit.datasource}, read and checked: how to name the data source, which
 * driver opens its connections with what, and which strategy pools them with what settings. Immutable.
 *
 * <p>The password is held only to open connections: {@link #toString()} leaves it out, and no message here contains
 * it.
 */
final class DataSourceSpec {

    /** The property {@value}: the service property consumers filter on. */
    static final String DATA_SOURCE_NAME = "dataSourceName";
    /** The property {@value}: the JNDI name; defaults to {@link #DATA_SOURCE_NAME}. */
    static final String JNDI_SERVICE_NAME = "osgi.jndi.service.name";
    /** Configuration keys with this prefix go to the driver without it. */
    static final String JDBC_PREFIX = "jdbc.";

    final String name;
    final String jndiName;
    /** The service property of {@link DataSourceFactory} that selects the driver, and its value. */
    final String driverKey;
    final String driverValue;
    final String url;
    final String user;
    private final String password;
    private final Map<String, String> driverProperties;
    final String strategy;
    final PoolSettings settings;

    private DataSourceSpec(String name, String jndiName, String driverKey, String driverValue, String url, String user,
            String password, Map<String, String> driverProperties, String strategy, PoolSettings settings) {
        this.name = name;
        this.jndiName = jndiName;
        this.driverKey = driverKey;
        this.driverValue = driverValue;
        this.url = url;
        this.user = user;
        this.password = password;
        this.driverProperties = driverProperties;
        this.strategy = strategy;
        this.settings = settings;
    }

    /**
     * @param config the configuration's properties, as Configuration Admin gives them
     * @return the checked specification
     * @throws IllegalArgumentException naming the property and its value (never the password's) for the first bad
     *                                  one
     */
    static DataSourceSpec parse(Map<String, ?> config) {
        String name = name(config);
        String jndiName = text(config, JNDI_SERVICE_NAME);
        String driverName = text(config, DataSourceFactory.OSGI_JDBC_DRIVER_NAME);
        String driverClass = text(config, DataSourceFactory.OSGI_JDBC_DRIVER_CLASS);
        if (driverName == null && driverClass == null) {
            throw new IllegalArgumentException(DataSourceFactory.OSGI_JDBC_DRIVER_NAME + " or "
                    + DataSourceFactory.OSGI_JDBC_DRIVER_CLASS
                    + " must name the DataSourceFactory that opens connections; neither is set");
        }
        String url = text(config, DataSourceFactory.JDBC_URL);
        if (url == null) {
            throw new IllegalArgumentException("url must be set to the JDBC url of the database; it is missing");
        }
        Map<String, String> driverProperties = new TreeMap<>();
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            if (entry.getKey().startsWith(JDBC_PREFIX) && entry.getValue() != null) {
                driverProperties.put(entry.getKey().substring(JDBC_PREFIX.length()), String.valueOf(entry.getValue()));
            }
        }
        String strategy = PoolConfig.strategy(config);
        PoolSettings settings = PoolConfig.settings(name, config);
        return new DataSourceSpec(name, jndiName != null ? jndiName : name,
                driverName != null ? DataSourceFactory.OSGI_JDBC_DRIVER_NAME : DataSourceFactory.OSGI_JDBC_DRIVER_CLASS,
                driverName != null ? driverName : driverClass, url, text(config, DataSourceFactory.JDBC_USER),
                password(config), Map.copyOf(driverProperties), strategy, settings);
    }

    /** @return the data source's name: {@value #DATA_SOURCE_NAME}, else the configuration's PID */
    static String name(Map<String, ?> config) {
        String name = text(config, DATA_SOURCE_NAME);
        if (name == null) {
            String pid = text(config, "service.pid");
            name = pid != null ? pid : "poolkit";
        }
        return name;
    }

    private static String text(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value).trim();
        return text.isEmpty() ? null : text;
    }

    private static String password(Map<String, ?> config) {
        Object value = config.get(DataSourceFactory.JDBC_PASSWORD);
        if (value instanceof char[]) {
            return new String((char[]) value);
        }
        return value == null ? null : String.valueOf(value);
    }

    /** @return the driver properties of a connection: the {@code jdbc.*} ones, then user and password */
    Properties connectionProperties() {
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        if (user != null) {
            properties.setProperty(DataSourceFactory.JDBC_USER, user);
        }
        if (password != null) {
            properties.setProperty(DataSourceFactory.JDBC_PASSWORD, password);
        }
        return properties;
    }

    /** @return the LDAP filter for the {@code DataSourceFactory} this specification names */
    String driverFilter() {
        return "(&(objectClass=" + DataSourceFactory.class.getName() + ")(" + driverKey + "="
                + escape(driverValue) + "))";
    }

    /** @return whether connections opened for {@code other} would be the same as for this: same driver and database */
    boolean sameConnections(DataSourceSpec other) {
        return driverKey.equals(other.driverKey) && driverValue.equals(other.driverValue) && url.equals(other.url)
                && Objects.equals(user, other.user) && Objects.equals(password, other.password)
                && driverProperties.equals(other.driverProperties);
    }

    /** @return {@code value} fit for the value of an LDAP service filter's item: {@code \ ( ) *} escaped */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** @return a message fit for a log line, such as a driver's that quotes the url: passwords masked as in the url */
    String shown(String message) {
        return Urls.shown(message, password);
    }

    /**
     * @return the url fit for a log line: some drivers take the password in the url ({@code ;password=...},
     *         {@code ?password=...}, {@code pwd=...}, {@code //user:password@host}), and that value is replaced by
     *         {@code ***}, as is the configured password wherever else it appears (Oracle's {@code user/password@})
     */
    String shownUrl() {
        return Urls.shown(url, password);
    }

    @Override
    public String toString() {
        return "data source '" + name + "' (" + driverKey + "=" + driverValue + ", url=" + shownUrl() + ", user="
                + user + ", strategy=" + strategy + ")";
    }
}

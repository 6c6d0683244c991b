package org.poolkit.datasource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Reading a data source configuration: every bad value named with its property, the password never shown. */
class DataSourceSpecTest {

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", "org.poolkit.datasource~orders");
        config.put("dataSourceName", "orders");
        config.put("osgi.jdbc.driver.name", "derby");
        config.put("url", "jdbc:derby:memory:orders;create=true");
        config.put("user", "app");
        config.put("password", "s3cret-pw");
        config.put("jdbc.loginTimeout", 5);
        config.put("pool.size", "7");
        config.put("timeout", 2.5);
        return config;
    }

    @Test
    void readsNamesDriverUrlAndSettings() {
        DataSourceSpec spec = DataSourceSpec.parse(config());

        assertEquals("orders", spec.name);
        assertEquals("orders", spec.jndiName, "the JNDI name defaults to the data source name");
        assertEquals("(&(objectClass=org.osgi.service.jdbc.DataSourceFactory)(osgi.jdbc.driver.name=derby))",
                spec.driverFilter());
        assertEquals("queue", spec.strategy);
        assertEquals(7, spec.settings.poolSize());
        assertEquals(Duration.ofMillis(2500), spec.settings.timeout());
        assertEquals("orders", spec.settings.name());
        Properties properties = spec.connectionProperties();
        assertEquals("5", properties.getProperty("loginTimeout"), "jdbc.* goes to the driver without the prefix");
        assertEquals("app", properties.getProperty("user"));
        assertEquals("s3cret-pw", properties.getProperty("password"));
    }

    @Test
    void thePasswordIsNeverShown() {
        Map<String, Object> config = config();
        config.put("password", "s3cret-pw".toCharArray());
        DataSourceSpec spec = DataSourceSpec.parse(config);

        assertFalse(spec.toString().contains("s3cret"), spec.toString());
        assertEquals("s3cret-pw", spec.connectionProperties().getProperty("password"));
        config.put("pool.size", "s3cret-pw");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DataSourceSpec.parse(
                withPassword(config, "s3cret-pw")));
        assertEquals("pool.size must be a whole number; was 's3cret-pw'", bad.getMessage(),
                "only the bad property's own value is shown");
    }

    private static Map<String, Object> withPassword(Map<String, Object> config, String password) {
        config.put("password", password);
        return config;
    }

    @Test
    void aPasswordInTheUrlIsNotShown() {
        DataSourceSpec spec = DataSourceSpec.parse(with("url", "jdbc:derby:memory:x;user=a;password=s3cret;create=true"));

        assertEquals("jdbc:derby:memory:x;user=a;password=***;create=true", spec.shownUrl());
        assertFalse(spec.toString().contains("s3cret"), spec.toString());
    }

    /** Other ways urls carry a password: user info before the host, {@code pwd=}, Oracle's {@code user/password@}. */
    @Test
    void aPasswordInAnyUrlSyntaxIsNotShown() {
        assertEquals("jdbc:mysql://app:***@db.example:3306/x",
                DataSourceSpec.parse(with("url", "jdbc:mysql://app:s3cret@db.example:3306/x")).shownUrl());
        assertEquals("jdbc:sqlserver://db;user=app;PWD=***;encrypt=true",
                DataSourceSpec.parse(with("url", "jdbc:sqlserver://db;user=app;PWD=s3cret;encrypt=true")).shownUrl());
        DataSourceSpec oracle = DataSourceSpec.parse(withPassword(with("url", "jdbc:oracle:thin:app/s3cret-pw@db:1521/x"),
                "s3cret-pw"));
        assertFalse(oracle.shownUrl().contains("s3cret"), oracle.shownUrl());
        assertFalse(oracle.toString().contains("s3cret"), oracle.toString());
    }

    @Test
    void eachBadValueIsNamedWithItsProperty() {
        assertMessage("url must be set", without("url"));
        assertMessage("osgi.jdbc.driver.name or osgi.jdbc.driver.class must name", without("osgi.jdbc.driver.name"));
        assertMessage("pool.size must be 0 (no limit) or more; was -1", with("pool.size", -1));
        assertMessage("pool.size must be a whole number; was 'five'", with("pool.size", "five"));
        assertMessage("timeout must be zero or more seconds; was '-3'", with("timeout", "-3"));
        assertMessage("timeout must be a number of seconds; was 'soon'", with("timeout", "soon"));
    }

    @Test
    void sameConnectionsComparesDriverUrlAndCredentialsButNotPoolSettings() {
        DataSourceSpec spec = DataSourceSpec.parse(config());

        assertTrue(spec.sameConnections(DataSourceSpec.parse(with("pool.size", 9))));
        assertTrue(spec.sameConnections(DataSourceSpec.parse(with("strategy", "null"))));
        assertFalse(spec.sameConnections(DataSourceSpec.parse(with("url", "jdbc:derby:memory:other"))));
        assertFalse(spec.sameConnections(DataSourceSpec.parse(with("password", "other"))));
        assertFalse(spec.sameConnections(DataSourceSpec.parse(with("jdbc.loginTimeout", 6))));
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> config = config();
        config.put(key, value);
        return config;
    }

    private static Map<String, Object> without(String key) {
        Map<String, Object> config = config();
        config.remove(key);
        return config;
    }

    private static void assertMessage(String expected, Map<String, Object> config) {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DataSourceSpec.parse(config));
        assertTrue(bad.getMessage().contains(expected), bad.getMessage());
        assertFalse(bad.getMessage().contains("s3cret"), bad.getMessage());
    }
}

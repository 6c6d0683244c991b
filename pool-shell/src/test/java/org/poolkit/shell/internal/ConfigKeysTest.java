package org.poolkit.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A value is checked as the data source would read it, before it is written. */
class ConfigKeysTest {

    private static final Set<String> INSTALLED = Set.of("queue", "null");

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> config = new HashMap<>();
        config.put("dataSourceName", "orders");
        config.put("url", "jdbc:derby:memory:orders");
        config.put("password", "s3cret");
        config.put(key, value);
        return config;
    }

    private static CommandError refused(String key, Object value) {
        return assertThrows(CommandError.class, () -> ConfigKeys.check("orders", with(key, value), key, INSTALLED));
    }

    @Test
    void goodValuesPass() {
        ConfigKeys.check("orders", with("pool.size", "8"), "pool.size", INSTALLED);
        ConfigKeys.check("orders", with("strategy", "null"), "strategy", INSTALLED);
        ConfigKeys.check("orders", with("jdbc.loginTimeout", "5"), "jdbc.loginTimeout", INSTALLED);
        ConfigKeys.check("orders", with("timeout", "2.5"), "timeout", INSTALLED);
    }

    @Test
    void aBadValueGetsTheMessageTheDataSourceWouldHaveLogged() {
        CommandError error = refused("pool.size", "lots");
        assertEquals("pool.size must be a whole number; was 'lots'", error.getMessage());
        assertFalse(error.showsUsage(), "the arguments were fine; the value is not");
        assertEquals("max.overflow must be -1 (no limit) or more; was -2", refused("max.overflow", "-2").getMessage());
        assertEquals("use.lifo must be true or false; was 'maybe'", refused("use.lifo", "maybe").getMessage());
    }

    @Test
    void aStrategyMustBeInstalled() {
        assertEquals("strategy must name an installed strategy; was 'fifo' (installed: [null, queue])",
                refused("strategy", "fifo").getMessage());
    }

    @Test
    void anUnknownKeyListsTheKnownOnes() {
        CommandError error = refused("colour", "blue");
        assertTrue(error.showsUsage());
        assertTrue(error.getMessage().startsWith(
                "unknown key 'colour'; known keys: jdbc.*, leak.detection.threshold, "),
                error.getMessage());
    }

    @Test
    void theNameAndTheUrlStay() {
        assertTrue(refused("dataSourceName", "other").getMessage().startsWith("dataSourceName cannot be changed"));
        assertEquals("url must be set to the JDBC url of the database; it is missing",
                refused("url", " ").getMessage());
    }

    @Test
    void thePasswordIsNeverShownAndAnUnsetKeyShowsItsDefault() {
        assertEquals("***", ConfigKeys.shown("password", "s3cret", "s3cret"));
        assertEquals("(unset, default 5)", ConfigKeys.shown("pool.size", null, null));
        assertEquals("(unset, default queue)", ConfigKeys.shown("strategy", null, null));
        assertEquals("(unset)", ConfigKeys.shown("user", null, null));
        assertEquals("8", ConfigKeys.shown("pool.size", "8", "s3cret"));
    }

    /** {@code pool:set NAME url ...} echoes the url before and after, and a driver may take its password as a key. */
    @Test
    void aPasswordInAUrlOrInADriverKeyIsNeverShown() {
        assertEquals("jdbc:postgresql://db/app?user=app&password=***",
                ConfigKeys.shown("url", "jdbc:postgresql://db/app?user=app&password=s3cret", null));
        assertEquals("jdbc:mysql://app:***@db:3306/app", ConfigKeys.shown("url", "jdbc:mysql://app:s3cret@db:3306/app",
                null));
        assertEquals("jdbc:oracle:thin:app/***@db:1521/app",
                ConfigKeys.shown("url", "jdbc:oracle:thin:app/s3cret@db:1521/app", "s3cret".toCharArray()));
        assertEquals("***", ConfigKeys.shown("jdbc.password", "s3cret", null));
        assertEquals("***", ConfigKeys.shown("jdbc.PWD", "s3cret", null));
        assertEquals("app", ConfigKeys.shown("user", "app", "s3cret"));
    }

    @Test
    void aPasswordInTheUrlOrInADriverKeyIsNeverShown() {
        assertEquals("jdbc:derby:memory:x;create=true;password=***",
                ConfigKeys.shown("url", "jdbc:derby:memory:x;create=true;password=s3cret", null));
        assertEquals("jdbc:postgresql://db/app?user=app&PWD=***&ssl=true",
                ConfigKeys.shown("url", "jdbc:postgresql://db/app?user=app&PWD=s3cret&ssl=true", null));
        assertEquals("jdbc:mariadb://app:***@db/app",
                ConfigKeys.shown("url", "jdbc:mariadb://app:s3cret@db/app", null));
        assertEquals("***", ConfigKeys.shown("jdbc.password", "s3cret", null));
        assertEquals("jdbc:derby:memory:x;create=true",
                ConfigKeys.shown("url", "jdbc:derby:memory:x;create=true", null));
    }
}

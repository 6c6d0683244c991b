package org.poolkit.distribution;

import java.io.File;
import java.util.Map;

/**
 * The console log of the runtime: slf4j-simple (inside the framework) reads system properties, which the launcher
 * sets unless the user already did ({@code -D...} wins). In the interactive runtime poolkit logs its lifecycle at INFO
 * (data sources registered, swapped, resized); everything else only speaks up at WARN. The demo narrates its own
 * steps, so there poolkit's INFO lines would only repeat them and break its progress line: WARN for all.
 */
final class Logging {

    private static final Map<String, String> DEFAULTS = Map.of(
            "org.slf4j.simpleLogger.defaultLogLevel", "warn",
            "org.slf4j.simpleLogger.showDateTime", "true",
            "org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS",
            "org.slf4j.simpleLogger.showThreadName", "false",
            "org.slf4j.simpleLogger.showLogName", "false",
            "org.slf4j.simpleLogger.levelInBrackets", "true");

    private Logging() {
    }

    static void configure(boolean demo) {
        DEFAULTS.forEach(Logging::setIfAbsent);
        setIfAbsent("org.slf4j.simpleLogger.log.org.poolkit", demo ? "warn" : "info");
        // Derby writes its boot messages to derby.log in the working directory; keep that file out of the user's way.
        setIfAbsent("derby.stream.error.file",
                new File(System.getProperty("java.io.tmpdir"), "poolkit-derby.log").getPath());
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

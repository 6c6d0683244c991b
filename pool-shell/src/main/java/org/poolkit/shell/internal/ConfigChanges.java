package org.poolkit.shell.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.osgi.service.cm.Configuration;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolSettings;
import org.poolkit.core.PoolConfig;
import org.poolkit.datasource.ManagedDataSource;
import org.poolkit.datasource.ManagedDataSource.State;

/**
 * {@code pool:set} and {@code pool:swap}: one key of a data source's configuration changed through Configuration
 * Admin, checked first, then followed until the data source took it (or said why not), for a bounded time.
 *
 * <p>Thread-safe (stateless besides the admin it was made with).
 */
final class ConfigChanges {

    /**
     * What a change did.
     *
     * @param name    the data source
     * @param key     the key set
     * @param before  the old value as shown (the password never)
     * @param after   the new value as shown
     * @param outcome how the data source took it, in a few words
     */
    record Change(String name, String key, String before, String after, String outcome) {

        @Override
        public String toString() {
            return name + ": " + key + " " + before + " -> " + after + " (" + outcome + ")";
        }
    }

    private final PoolAdmin admin;

    ConfigChanges(PoolAdmin admin) {
        this.admin = admin;
    }

    /**
     * Sets {@code key} to {@code value} in the named data source's configuration.
     *
     * @param typed the data source's name or its configuration's PID, as the user typed it
     *
     * @throws CommandError when there is no such data source or the value would be rejected
     * @throws InterruptedException when interrupted while waiting for the data source to take the change
     */
    Change set(String typed, String key, String value) throws IOException, InterruptedException {
        ManagedDataSource dataSource = admin.find(typed);
        String name = dataSource.name();
        // Followed by its PID from here on: a name could be given to a second configuration meanwhile.
        String pid = dataSource.configurationPid();
        Configuration configuration = admin.configuration(pid);
        Dictionary<String, Object> properties = configuration.getProperties();
        Map<String, Object> after = map(properties);
        after.put(key, value);
        ConfigKeys.check(name, after, key, admin.strategies());
        Object before = properties.get(key);
        String shownBefore = ConfigKeys.shown(key, before, properties.get(ConfigKeys.PASSWORD));
        String shownAfter = ConfigKeys.shown(key, value, after.get(ConfigKeys.PASSWORD));
        if (before != null && value.equals(String.valueOf(before))) {
            return new Change(name, key, shownBefore, shownAfter, "unchanged");
        }
        State stateBefore = dataSource.state();
        Pool poolBefore = dataSource.pool().orElse(null);
        String problemBefore = dataSource.problem().orElse(null);
        properties.put(key, value);
        configuration.update(properties);
        if (stateBefore != State.ACTIVE) {
            return new Change(name, key, shownBefore, shownAfter, "written; the data source was "
                    + Formats.state(dataSource) + " before");
        }
        return new Change(name, key, shownBefore, shownAfter,
                awaitOutcome(pid, name, key, after, poolBefore, problemBefore));
    }

    private String awaitOutcome(String pid, String name, String key, Map<String, Object> after, Pool poolBefore,
            String problemBefore) throws InterruptedException {
        String expectedStrategy = PoolConfig.strategy(after);
        PoolSettings expectedSettings = PoolConfig.settings(name, after);
        boolean newPoolExpected = !PoolConfig.KEYS.contains(key) && !key.equals("osgi.jndi.service.name");
        boolean taken = admin.await(pid, found -> found.isEmpty()
                || rejectedAnew(found.get(), problemBefore)
                || found.get().pool().filter(pool -> pool.strategy().equals(expectedStrategy)
                        && pool.settings().equals(expectedSettings)
                        && (!newPoolExpected || pool != poolBefore)).isPresent(),
                PoolAdmin.CHANGE_BOUND);
        Optional<ManagedDataSource> now = admin.lookup(pid);
        if (now.isEmpty()) {
            return "the data source's configuration was deleted meanwhile";
        }
        if (rejectedAnew(now.get(), problemBefore)) {
            return "rejected by the data source: " + now.get().problem().orElse(Formats.state(now.get()));
        }
        if (!taken) {
            return "not taken within " + PoolAdmin.CHANGE_BOUND.toSeconds() + " s; see pool:status " + name;
        }
        Pool poolAfter = now.get().pool().orElse(null);
        if (poolAfter == poolBefore) {
            return "applied in place";
        }
        return "swapped to a new " + expectedStrategy + " pool; the old one closes its connections as they come back";
    }

    private static boolean rejectedAnew(ManagedDataSource dataSource, String problemBefore) {
        if (dataSource.state() != State.ACTIVE) {
            return true;
        }
        Optional<String> problem = dataSource.problem();
        return problem.isPresent() && !Objects.equals(problem.get(), problemBefore);
    }

    static Map<String, Object> map(Dictionary<String, Object> properties) {
        Map<String, Object> map = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, properties.get(key));
        }
        return map;
    }
}

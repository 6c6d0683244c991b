/**
 * A fake JDBC driver for poolkit's own tests and benchmarks: connections without I/O that a test can break on
 * command and that count everything a pool does to them.
 *
 * <p>{@link org.poolkit.testkit.StubDriver} is the switchboard: it opens {@link org.poolkit.testkit.StubConnection}s
 * as a {@link org.poolkit.api.ConnectionCreator} (or through {@code asDataSource()}), fails or holds connects, and
 * counts what was opened and closed. Each connection keeps its JDBC state in memory, honours the JDBC rules a pool
 * depends on (no rollback in auto-commit mode, 08003 after close) and can be told to fail one operation or to die
 * like a killed backend (08006). {@link org.poolkit.testkit.FakeClock} lets tests of recycle and timeouts move time
 * instead of sleeping. Nothing here is meant for production use.
 */
@Export
@Version("1.0.0")
package org.poolkit.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * The contract of poolkit: pools of JDBC connections with SQLAlchemy's pool semantics.
 *
 * <p>A {@link org.poolkit.api.Pool} hands out {@link org.poolkit.api.ProxiedConnection}s; closing one checks it in.
 * Each checkout is backed by a {@link org.poolkit.api.PoolEntry}, the pool-owned slot that holds a driver
 * connection over time. {@link org.poolkit.api.PoolEvents} listeners see every step of that life. What a pool does
 * when a connection comes back is its {@link org.poolkit.api.ResetStyle}; its tunables are
 * {@link org.poolkit.api.PoolSettings}.
 */
@Export
@Version("1.0.0")
package org.poolkit.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

/**
 * The engine every strategy shares, and its plain-Java entry points: {@link org.poolkit.core.Pools} makes a pool of
 * any installed strategy, {@link org.poolkit.core.PoolDataSource} puts a {@link javax.sql.DataSource} in front of it,
 * {@link org.poolkit.core.SwappableDataSource} one whose pool can be swapped live.
 * No OSGi framework is needed to use this package.
 */
@Export
@Version("1.2.0")
package org.poolkit.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

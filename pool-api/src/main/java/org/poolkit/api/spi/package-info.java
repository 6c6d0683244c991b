/**
 * What a pooling strategy implements, and what the engine gives it.
 *
 * <p>A strategy only decides which {@link org.poolkit.api.PoolEntry} a checkout gets and what happens to an entry
 * that comes back, as SQLAlchemy's {@code _do_get} and {@code _do_return_conn} do. Everything else — connecting,
 * reset on return, state restore, recycle, pre-ping, invalidation, events, leak detection — is the engine's.
 * A strategy depends on this package and {@code org.poolkit.api} alone.
 */
@Export
@Version("1.1.0")
package org.poolkit.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

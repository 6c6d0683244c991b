/**
 * The {@code queue} strategy, SQLAlchemy's {@code QueuePool}: a bounded pool with overflow, a timeout, and FIFO or
 * LIFO order. Private to its bundle; users reach it by name through {@code Pools.create("queue", ...)} or the
 * {@code strategy} configuration property.
 */
package org.poolkit.queuepool.internal;

/**
 * The {@code threadlocal} strategy, SQLAlchemy's {@code SingletonThreadPool}: one connection per thread. Private to its bundle; users reach it by name through
 * {@code Pools.create("threadlocal", ...)} or the {@code strategy} configuration property.
 */
package org.poolkit.threadlocalpool.internal;

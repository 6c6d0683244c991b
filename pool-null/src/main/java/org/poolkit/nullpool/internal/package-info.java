/**
 * The {@code null} strategy, SQLAlchemy's {@code NullPool}: no pooling, a driver connection per checkout. Private to its bundle; users reach it by name through
 * {@code Pools.create("null", ...)} or the {@code strategy} configuration property.
 */
package org.poolkit.nullpool.internal;

/**
 * The {@code static} strategy, SQLAlchemy's {@code StaticPool}: one driver connection shared by every checkout. Private to its bundle; users reach it by name through
 * {@code Pools.create("static", ...)} or the {@code strategy} configuration property.
 */
package org.poolkit.staticpool.internal;

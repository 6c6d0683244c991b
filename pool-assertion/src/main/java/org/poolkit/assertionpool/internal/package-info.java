/**
 * The {@code assertion} strategy, SQLAlchemy's {@code AssertionPool}: at most one checkout at a time, for test suites. Private to its bundle; users reach it by name through
 * {@code Pools.create("assertion", ...)} or the {@code strategy} configuration property.
 */
package org.poolkit.assertionpool.internal;

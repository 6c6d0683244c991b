/**
 * The Configuration Admin face of poolkit: one {@code javax.sql.DataSource} service per factory configuration of
 * {@code org.poolkit.datasource}, swapped live. Private to the bundle.
 */
package org.poolkit.datasource.internal;

/**
 * What a poolkit data source says about itself to tools such as the shell commands: one
 * {@link org.poolkit.datasource.ManagedDataSource} service per factory configuration of
 * {@code org.poolkit.datasource}, registered for as long as the configuration exists, also while the data source
 * waits for its strategy or driver or its configuration is rejected.
 */
@Export
@Version("1.0.0")
package org.poolkit.datasource;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

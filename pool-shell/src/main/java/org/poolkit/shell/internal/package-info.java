/**
 * The {@code pool:} shell commands and the scripted demo. Private to the bundle: what the commands offer is their
 * text, documented in the README's "Shell commands".
 */
package org.poolkit.shell.internal;

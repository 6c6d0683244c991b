package org.poolkit.api;

/**
 * Why a connection is being reset, as told to {@link PoolEvents#reset} listeners.
 *
 * @param terminateOnly true when the connection will be closed after the reset rather than pooled: the holder
 *                      {@linkplain ProxiedConnection#detach() detached} it and has now closed it
 * @param leaked        true when the holder never closed its connection: it was garbage collected and the pool is
 *                      taking it back
 */
public record ResetState(boolean terminateOnly, boolean leaked) {
}

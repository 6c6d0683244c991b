package org.poolkit.itests.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real server, which a test can make refuse connections, sever the ones it
 * carries, and accept again on the same port: a server that goes away and comes back, without touching the
 * machine's server. Every socket it opens is its own; it stops with {@link #close()}.
 *
 * <p>Thread-safe.
 */
final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket listener;

    TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = listen(0);
    }

    /** @return {@code host:port} where the proxy listens */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** @return connections accepted so far, and whether the proxy listens now: for a failure's message */
    String state() {
        ServerSocket server = listener;
        return "proxy on port " + port + ": " + accepted.get() + " connections accepted, "
                + (server == null || server.isClosed() ? "refusing" : "listening") + ", " + sockets.size()
                + " sockets carried";
    }

    /** Stops listening: connecting to the proxy's port is refused. Connections already carried stay up. */
    void refuse() {
        closeQuietly(listener);
        awaitRefusal();
    }

    /** Returns once a connect to the port is refused, so that no test step runs while the port still answers. */
    private void awaitRefusal() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            } catch (IOException refused) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("port " + port + " still accepts connections after refuse(): " + state());
    }

    /** Cuts every connection the proxy carries, in both directions. */
    void sever() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /** Listens again on the same port. */
    void accept() {
        listen(port);
    }

    @Override
    public void close() {
        closeQuietly(listener);
        sever();
    }

    private int listen(int wanted) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            listener = server;
            Thread acceptor = new Thread(() -> acceptLoop(server), "tcp-proxy-accept-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return server.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("proxy cannot listen on port " + wanted, e);
        }
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException severed) {
                // One side went away: take the other down with it, as a dropped link would.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is all a test asks of a socket it is done with.
        }
    }
}

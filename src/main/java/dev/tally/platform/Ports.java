package dev.tally.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.IntSupplier;

/** Small helpers for loopback ports. */
public final class Ports {
    private Ports() {}

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    /**
     * A port that was free a moment ago on 127.0.0.1 and is none of {@code taken}: two ports probed
     * one after the other can be the same one (the kernel hands a closed port out again), and a
     * broker given one port for both its listeners does not start.
     */
    public static int freePortOtherThan(int... taken) {
        return otherThan(Ports::freePort, taken);
    }

    /** The first port {@code source} gives that is none of {@code taken} (tried a bounded number of times). */
    static int otherThan(IntSupplier source, int... taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = source.getAsInt();
            boolean clash = false;
            for (int t : taken) {
                clash |= t == port;
            }
            if (!clash) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port other than the ones in use");
    }

    /** Fails with a clear message when something already listens on the port. */
    public static void requireFree(int port, String what, String variable) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new StartupException(what + " port 127.0.0.1:" + port + " is already in use: set " + variable
                    + " to a free port or stop what listens there");
        }
    }

    /** True when a TCP connection to host:port succeeds within the timeout. */
    public static boolean reachable(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.tally.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/** Small helpers for loopback ports. */
public final class Ports {
    private Ports() {}

    /** The lowest port the kernel hands out for outgoing connections (Linux; 32768 elsewhere). */
    static final int EPHEMERAL_LOW = ephemeralLow();

    /**
     * A port that was free a moment ago on 127.0.0.1, below the kernel's range of ephemeral ports: a
     * port from that range (what binding port 0 gives) can be taken by any outgoing connection before
     * a slow server binds it (a Keycloak or a broker that binds half a minute later), one below it
     * only by another server. Falls back to the kernel's choice if none below is free.
     */
    public static int freePort() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && EPHEMERAL_LOW > 10_000; attempt++) {
            int port = 10_000 + random.nextInt(EPHEMERAL_LOW - 10_000);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
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

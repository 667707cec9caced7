package dev.tally.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import io.restassured.RestAssured;

/** One HTTP/1.1 connection to the gateway over a plain socket, for what REST Assured cannot do. */
final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    RawHttp() throws IOException {
        socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(15_000);
    }

    /**
     * A connection from another loopback address ({@code 127.x.y.z}, all of which are this host on
     * Linux), so that what the gateway counts per client address is this test's alone.
     */
    RawHttp(String from) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 15_000);
        socket.setSoTimeout(15_000);
    }

    /** Writes raw bytes (a part of a body, a chunk). */
    RawHttp write(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Writes a request head (the lines without the final blank line) and, if given, a body. */
    RawHttp send(String head, byte[] body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((head + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return this;
    }

    /** Reads until the response head is complete; the head as text. */
    String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        while (text().indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before a response head: " + text());
            }
            seen.write(b);
        }
        return text();
    }

    /** Reads one response with a {@code content-length} (the connection may stay open); head and body. */
    String readResponse() throws IOException {
        String head = readHead();
        String length = header(head, "content-length");
        int want = head.length() + (length == null ? 0 : Integer.parseInt(length));
        InputStream in = socket.getInputStream();
        while (seen.size() < want) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a response body: " + text());
            }
            seen.write(b);
        }
        return text();
    }

    /** Reads until the gateway closes or resets the connection; everything received. */
    String readToEnd() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                seen.write(buf, 0, n);
            }
        } catch (SocketException e) {
            // a reset: the gateway cut the response short, as it does when the provider broke off
        }
        return text();
    }

    private String text() {
        return seen.toString(StandardCharsets.UTF_8);
    }

    static int status(String head) {
        return Integer.parseInt(head.substring(9, 12));
    }

    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

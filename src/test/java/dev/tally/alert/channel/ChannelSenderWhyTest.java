package dev.tally.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

import org.junit.jupiter.api.Test;

/**
 * The delivery log's reason for a receiver not reached ({@link ChannelSender#why}): in words, from the
 * exceptions the JDK's HTTP client and Netty's SMTP client really throw.
 */
class ChannelSenderWhyTest {

    @Test
    void aClosedPortCouldNotBeConnectedToAsTheJdksHttpClientReportsIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        IOException thrown = null;
        try {
            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hook"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            thrown = e;
        }
        // the JDK says no more than ConnectException over ClosedChannelException, neither with a message
        assertThat(thrown).isInstanceOf(ConnectException.class);
        assertThat(ChannelSender.why(thrown)).isEqualTo("could not connect");
    }

    @Test
    void nettysRefusedConnectUnderTheMailersExceptionIsConnectionRefused() {
        // the shape Vert.x's mail client surfaces: a wrapper around Netty's native connect error
        ConnectException netty = new ConnectException("finishConnect(..) failed with error(-111): Connection refused");
        RuntimeException mailer = new RuntimeException(new IllegalStateException("sending failed", netty));
        assertThat(ChannelSender.why(mailer)).isEqualTo("connection refused");
    }

    @Test
    void anUnknownHostATimeoutAndAnyOtherFailureSayWhatHappened() {
        assertThat(ChannelSender.why(new IOException(new UnknownHostException("hooks.example.invalid"))))
                .isEqualTo("unknown host hooks.example.invalid");
        assertThat(ChannelSender.why(new HttpTimeoutException("request timed out")))
                .isEqualTo("timed out");
        assertThat(ChannelSender.why(new RuntimeException(new IllegalStateException("550 mailbox unavailable"))))
                .isEqualTo("550 mailbox unavailable");
    }
}

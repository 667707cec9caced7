package dev.tally.alert.channel;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;

/**
 * Sends one message to one channel, blocking, on the caller's (a delivery worker's) thread: Slack
 * Block Kit to an incoming webhook, the CloudEvent signed like GitHub signs its deliveries to a
 * generic webhook, or plain text over SMTP. A failure is a {@link DeliveryException} whose message
 * goes into the delivery log, so it never carries the URL (a Slack URL is a credential) or a body.
 */
@Singleton
public class ChannelSender {

    public static final String SIGNATURE_HEADER = "X-Tally-Signature-256";
    public static final String DELIVERY_HEADER = "X-Tally-Delivery";
    private static final int ERROR_BODY_MAX = 200;

    private final HttpClient http;
    private final Duration timeout;
    private final Mailer mailer;
    private final ObjectMapper mapper;

    public ChannelSender(AlertConfig config, Mailer mailer, ObjectMapper mapper) {
        this.timeout = config.delivery().timeout();
        // no redirects: a receiver must not be able to bounce the signed body to another host
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.mailer = mailer;
        this.mapper = mapper;
    }

    /**
     * @param deliveryId names this message for the receiver's own de-duplication (the alert id)
     * @param event      the CloudEvent JSON: the generic webhook's body
     */
    public void send(Channel channel, String deliveryId, Notice notice, String event) throws DeliveryException {
        switch (channel.type()) {
            case SLACK -> post(channel, deliveryId, "application/json", SlackMessage.json(notice, mapper), null);
            case WEBHOOK ->
                post(
                        channel,
                        deliveryId,
                        "application/cloudevents+json; charset=utf-8",
                        event,
                        signature(channel.secret(), event));
            case EMAIL -> mail(channel, notice);
        }
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of the body's UTF-8 bytes under the channel's secret. */
    public static String signature(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private void post(Channel channel, String deliveryId, String contentType, String body, String signature)
            throws DeliveryException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(channel.url()))
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header("User-Agent", "Tally-Alerts")
                .header(DELIVERY_HEADER, deliveryId)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            req.header(SIGNATURE_HEADER, signature);
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException(channel.type().apiName() + " receiver unreachable: " + why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while sending");
        }
        if (res.statusCode() / 100 != 2) {
            String text = res.body() == null ? "" : res.body().strip();
            throw new DeliveryException("HTTP " + res.statusCode()
                    + (text.isEmpty()
                            ? ""
                            : ": "
                                    + (text.length() > ERROR_BODY_MAX
                                            ? text.substring(0, ERROR_BODY_MAX) + "…"
                                            : text)));
        }
    }

    private void mail(Channel channel, Notice notice) throws DeliveryException {
        Mail mail = Mail.withText(channel.to().get(0), EmailMessage.subject(notice), EmailMessage.text(notice));
        mail.setTo(channel.to());
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            throw new DeliveryException((connectionFailed(e) ? "SMTP server unreachable: " : "SMTP: ") + why(e));
        }
    }

    /**
     * Why a receiver was not reached, in the words an admin reads in the delivery log: "connection
     * refused", "could not connect", "timed out", "unknown host hooks.example.com", else the innermost
     * cause's message
     * (the JDK's and Netty's own texts, such as {@code finishConnect(..) failed with error(-111)}, say
     * less than that).
     */
    static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage());
            }
            if (t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return "timed out";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("connection refused")) {
                return "connection refused";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "could not connect"; // the JDK's HttpClient says no more (a ClosedChannelException under it)
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Whether {@code e} failed to reach the server at all (rather than being refused by it). */
    private static boolean connectionFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A delivery that did not succeed; the message is safe for the delivery log. */
    public static final class DeliveryException extends Exception {
        public DeliveryException(String message) {
            super(message, null, false, false);
        }
    }
}

package dev.tally.alert.channel;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.alert.channel.ChannelSender.DeliveryException;
import dev.tally.events.CloudEvent;
import dev.tally.platform.ApiException;

/**
 * {@code POST /api/admin/alert-channels/{id}/test}: one message straight to the channel, outside the
 * outbox (no retries, nothing in the delivery log), so an admin sees at once whether the URL, secret or
 * SMTP settings work. A webhook receives a CloudEvent of type {@value #TYPE}, signed like every delivery.
 */
@Singleton
public class ChannelTest {

    public static final String TYPE = "dev.tally.alert.test.v1";

    private final AlertChannelService channels;
    private final ChannelSender sender;
    private final Notices notices;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ChannelTest(
            AlertChannelService channels, ChannelSender sender, Notices notices, ObjectMapper mapper, Clock clock) {
        this.channels = channels;
        this.sender = sender;
        this.notices = notices;
        this.mapper = mapper;
        this.clock = clock;
    }

    public record Result(UUID channelId, boolean delivered, String type) {}

    public Result send(UUID id) {
        Channel channel = channels.channel(id).orElseThrow(() -> ApiException.notFound("no alert channel " + id));
        Instant now = clock.instant();
        String deliveryId = "test:" + UUID.randomUUID();
        Notice notice = new Notice(
                "Test message from Tally",
                "This channel (" + channel.name()
                        + ") is set up: budget alerts and, if it subscribes, the weekly digest will arrive here.",
                List.of(
                        new Notice.Field("Channel", channel.name()),
                        new Notice.Field("Type", channel.type().apiName())),
                List.of(),
                notices.link("/alerts"),
                "Open the Alerts page",
                "Sent " + notices.time(now));
        String event;
        try {
            event = mapper.writeValueAsString(CloudEvent.of(
                    deliveryId,
                    "/tally/alerts",
                    TYPE,
                    null,
                    now,
                    Map.of("channelId", id.toString(), "message", notice.summary())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            sender.send(channel, deliveryId, notice, event);
        } catch (DeliveryException e) {
            throw new ApiException(502, "the test message was not delivered: " + e.getMessage());
        }
        return new Result(id, true, channel.type().apiName());
    }
}

package dev.tally.alert.channel;

import java.util.UUID;

import jakarta.inject.Singleton;

import dev.tally.budget.ChannelCheck;

/** A budget's {@code channelIds} must name alert channels that exist (a precise 400 otherwise). */
@Singleton
public class AlertChannelCheck implements ChannelCheck {

    private final AlertChannelService channels;

    public AlertChannelCheck(AlertChannelService channels) {
        this.channels = channels;
    }

    @Override
    public boolean exists(UUID id) {
        return channels.exists(id);
    }
}

package dev.tally.budget;

import java.util.UUID;

/**
 * Whether an alert channel exists, for a budget's {@code channelIds}. The alert channels feature
 * provides the real check; until it is present every id is accepted ({@link AcceptAllChannels}).
 */
public interface ChannelCheck {

    boolean exists(UUID id);
}

package dev.tally.alert.channel;

import java.util.List;

/**
 * {@code PATCH /api/admin/alert-channels/{id}}: the fields to change, the others left out (or null)
 * and kept. {@code type} may be given only as the channel's own. Nothing is checked here:
 * {@link AlertChannelService#update} merges the change into the stored channel and checks the
 * result with the create's own rules ({@link NewChannel}'s constraints, then the service's).
 */
public record ChannelChange(String type, String name, String url, String secret, List<String> to, Boolean digest) {}

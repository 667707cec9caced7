package dev.tally.alert.channel;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/admin/alert-channels}. {@code url} for slack and webhook; {@code secret} for webhook
 * (generated and returned once when absent); {@code to} for email; {@code digest} subscribes the
 * channel to the weekly digest.
 */
public record NewChannel(
        String type,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String url,
        @Size(max = 500) String secret,
        @Size(max = 50) List<String> to,
        Boolean digest) {}

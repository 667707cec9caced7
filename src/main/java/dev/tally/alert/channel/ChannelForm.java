package dev.tally.alert.channel;

import java.util.Arrays;
import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * A channel as the Alerts page's form holds it: every field as typed, so a refused form comes back
 * with the values submitted. {@link #toNewChannel()} turns it into the admin API's {@link NewChannel},
 * which the page validates as the API does and {@link AlertChannelService} then checks; nothing is
 * checked here.
 *
 * @param to     the e-mail recipients, one a line
 * @param digest the checkbox: {@code on} when ticked, else null
 */
@TemplateData
public record ChannelForm(String name, String type, String url, String secret, String to, String digest) {

    /** An empty form: a Slack channel, without the digest. */
    static ChannelForm blank() {
        return new ChannelForm("", ChannelType.SLACK.apiName(), "", "", "", null);
    }

    public boolean digestTicked() {
        return digest != null && !digest.isBlank();
    }

    /**
     * The admin API's body for this form. A blank field is left out, as a JSON body would leave it out;
     * the fields of another type than the one picked are left out too (a URL typed before the type was
     * switched to e-mail), so what is checked and stored is what the picked type uses.
     */
    NewChannel toNewChannel() {
        String t = blankToNull(type);
        boolean hasUrl = "slack".equals(t) || "webhook".equals(t);
        List<String> recipients = to == null
                ? List.of()
                : Arrays.stream(to.split("\\R"))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
        return new NewChannel(
                t,
                name,
                hasUrl ? blankToNull(url) : null,
                "webhook".equals(t) && secret != null && !secret.isBlank() ? secret : null, // as typed, as stored
                "email".equals(t) && !recipients.isEmpty() ? recipients : null,
                digestTicked());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

package dev.tally.alert.channel;

import java.util.Arrays;
import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * A channel as the Alerts page's form holds it: every field as typed, so a refused form comes back
 * with the values submitted. {@link #toNewChannel()} turns it into the admin API's {@link NewChannel},
 * which the page validates as the API does and {@link AlertChannelService} then checks, and
 * {@link #toChange()} into the API's {@link ChannelChange} for an edit; nothing is checked here.
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

    /**
     * A stored channel's form for an edit: its name, recipients and digest; the URL and the secret
     * empty (they are never shown, and left empty they are kept).
     */
    static ChannelForm of(ChannelView c) {
        return new ChannelForm(
                c.name(), c.type(), "", "", c.to() == null ? "" : String.join("\n", c.to()), c.digest() ? "on" : null);
    }

    /** This form for a channel of {@code type}: an edit's type is the stored channel's, not a posted field. */
    ChannelForm withType(String type) {
        return new ChannelForm(name, type, url, secret, to, digest);
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
        List<String> recipients = recipients();
        return new NewChannel(
                t,
                name,
                hasUrl ? blankToNull(url) : null,
                "webhook".equals(t) && secret != null && !secret.isBlank() ? secret : null, // as typed, as stored
                "email".equals(t) && !recipients.isEmpty() ? recipients : null,
                digestTicked());
    }

    /**
     * The admin API's PATCH body for an edit of a channel of this form's type. An empty URL or secret
     * is left out, so the stored one is kept; the name, the recipients (an e-mail channel's) and the
     * digest are sent as the form holds them, so an emptied name or recipients list is refused as a
     * create's would be.
     */
    ChannelChange toChange() {
        boolean hasUrl = "slack".equals(type) || "webhook".equals(type);
        return new ChannelChange(
                null,
                name,
                hasUrl ? blankToNull(url) : null,
                "webhook".equals(type) && secret != null && !secret.isBlank() ? secret : null,
                "email".equals(type) ? recipients() : null,
                digestTicked());
    }

    private List<String> recipients() {
        return to == null
                ? List.of()
                : Arrays.stream(to.split("\\R"))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

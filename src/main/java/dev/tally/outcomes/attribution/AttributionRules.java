package dev.tally.outcomes.attribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tally.outcomes.config.OutcomesConfig;

/**
 * Decides whether a PR was AI-assisted and says why: every rule that fired is one entry of the
 * outcome's {@code attribution[]}, so the team page can show the evidence per PR. Trailers alone are
 * weak evidence (squash merges drop them, people strip them), hence the other independent rules.
 */
public final class AttributionRules {

    public static final String TRAILER = "trailer:";
    public static final String LABEL = "label:";
    public static final String BOT_AUTHOR = "bot-author:";
    public static final String GATEWAY_USE = "gateway-use:";

    /** Drops the e-mail part of a trailer line: {@code Co-Authored-By: Claude <noreply@…>} → {@code Co-Authored-By: Claude}. */
    private static final Pattern EMAIL = Pattern.compile("\\s*<[^>]*>\\s*$");

    private final List<Pattern> trailers;
    private final Set<String> labels;
    private final Set<String> botAuthors;
    private final Duration gatewayWindow;
    private final long gatewayMinRequests;

    public AttributionRules(
            List<String> trailerPatterns,
            List<String> labels,
            List<String> botAuthors,
            Duration gatewayWindow,
            long gatewayMinRequests) {
        this.trailers = trailerPatterns.stream()
                .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                .toList();
        this.labels = lower(labels);
        this.botAuthors = lower(botAuthors);
        this.gatewayWindow = gatewayWindow;
        this.gatewayMinRequests = Math.max(1, gatewayMinRequests);
    }

    public static AttributionRules from(OutcomesConfig.Attribution c) {
        return new AttributionRules(
                c.trailerPatterns(), c.labels(), c.botAuthors(), c.gatewayWindow(), c.gatewayMinRequests());
    }

    public Duration gatewayWindow() {
        return gatewayWindow;
    }

    /** The rules that fired, in a stable order (trailers, labels, bot author, gateway use); empty = not AI-assisted. */
    public List<String> evaluate(PrEvidence pr) {
        Set<String> fired = new LinkedHashSet<>();
        for (String message : pr.commitMessages()) {
            if (message == null) {
                continue;
            }
            for (String line : message.split("\\R")) {
                String trimmed = line.strip();
                for (Pattern p : trailers) {
                    Matcher m = p.matcher(trimmed);
                    if (m.find()) {
                        fired.add(TRAILER + EMAIL.matcher(trimmed).replaceFirst(""));
                        break;
                    }
                }
            }
        }
        for (String label : pr.labels()) {
            if (label != null && labels.contains(label.toLowerCase(Locale.ROOT))) {
                fired.add(LABEL + label);
            }
        }
        if (pr.authorLogin() != null && botAuthors.contains(pr.authorLogin().toLowerCase(Locale.ROOT))) {
            fired.add(BOT_AUTHOR + pr.authorLogin());
        }
        if (pr.gatewayRequests() != null && pr.gatewayRequests() >= gatewayMinRequests) {
            fired.add(GATEWAY_USE + pr.gatewayRequests() + (pr.gatewayRequests() == 1 ? " call" : " calls") + " in "
                    + describe(gatewayWindow));
        }
        return new ArrayList<>(fired);
    }

    static String describe(Duration d) {
        if (d.toMinutes() % 60 != 0) {
            return d.toMinutes() + "m";
        }
        return d.toHours() + "h";
    }

    private static Set<String> lower(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v.strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}

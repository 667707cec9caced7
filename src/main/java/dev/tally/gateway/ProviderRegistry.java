package dev.tally.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The configured providers and the model → provider rules. Providers are read from
 * {@code tally.providers.<name>.base-url|api-key|kind} in any config source, environment variables
 * included ({@code TALLY_PROVIDERS_<NAME>_BASE_URL}); openai and anthropic exist by default with
 * their public URLs. When simulation is on (tally.gateway.simulate or tally.demo.enabled), every
 * model goes to the built-in simulated provider and no upstream is ever called.
 */
@Singleton // no client proxy: called on every gateway request
public class ProviderRegistry {

    private static final Logger LOG = Logger.getLogger(ProviderRegistry.class);
    private static final Pattern PROP = Pattern.compile("^tally\\.providers\\.([a-z0-9-]+)\\.(base-url|api-key|kind)$");
    private static final Pattern ENV = Pattern.compile("^TALLY_PROVIDERS_([A-Z0-9_]+?)_(BASE_URL|API_KEY|KIND)$");

    record Rule(String pattern, boolean prefix, String provider) {
        boolean matches(String model) {
            return prefix ? model.startsWith(pattern) : model.equals(pattern);
        }
    }

    private final Map<String, Provider> providers;
    private final List<Rule> rules;
    private final boolean simulate;
    private final Provider simulated = Provider.simulated();
    /** Where the calls on a stored response go; null when that provider is not configured. */
    private final Provider responses;

    public ProviderRegistry(GatewayConfig config, ProvidersConfig configured, Config mp) {
        this.simulate = config.simulate()
                || mp.getOptionalValue("tally.demo.enabled", Boolean.class).orElse(false);
        Map<String, Map<String, String>> settings = new HashMap<>();
        settings.computeIfAbsent("openai", k -> new HashMap<>()).put("base-url", "https://api.openai.com/v1");
        settings.computeIfAbsent("anthropic", k -> new HashMap<>()).put("base-url", "https://api.anthropic.com");
        for (String name : mp.getPropertyNames()) {
            String provider = null;
            String key = null;
            Matcher m = PROP.matcher(name);
            if (m.matches()) {
                provider = m.group(1);
                key = m.group(2);
            } else {
                Matcher e = ENV.matcher(name);
                if (e.matches()) {
                    provider = e.group(1).toLowerCase(Locale.ROOT).replace('_', '-');
                    key = e.group(2).toLowerCase(Locale.ROOT).replace('_', '-');
                }
            }
            if (provider != null) {
                String value = mp.getOptionalValue(name, String.class).orElse(null);
                if (value != null) {
                    settings.computeIfAbsent(provider, k -> new HashMap<>()).put(key, value);
                }
            }
        }
        configured.providers().forEach((name, p) -> {
            Map<String, String> s = settings.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new HashMap<>());
            p.baseUrl().ifPresent(v -> s.put("base-url", v));
            p.apiKey().ifPresent(v -> s.put("api-key", v));
            p.kind().ifPresent(v -> s.put("kind", v));
        });
        Map<String, Provider> built = new LinkedHashMap<>();
        settings.forEach((name, s) -> {
            String url = s.get("base-url");
            if (url == null) {
                throw new IllegalStateException(
                        "provider " + name + " has an API key but no base URL: set TALLY_PROVIDERS_"
                                + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_BASE_URL");
            }
            built.put(name, Provider.of(name, url, s.get("api-key"), s.get("kind")));
        });
        this.providers = Map.copyOf(built);
        List<Rule> parsed = new ArrayList<>();
        config.extraRoutes().ifPresent(r -> parsed.addAll(parse(r)));
        parsed.addAll(parse(config.routes()));
        for (Rule r : parsed) {
            if (!providers.containsKey(r.provider())) {
                throw new IllegalStateException("tally.gateway routes: rule " + r.pattern() + (r.prefix() ? "*" : "")
                        + "=" + r.provider() + " names an unconfigured provider; configured: " + providers.keySet());
            }
        }
        this.rules = List.copyOf(parsed);
        this.responses = providers.get(config.responsesProvider().trim().toLowerCase(Locale.ROOT));
        if (responses == null && !simulate) {
            LOG.warnf(
                    "tally.gateway.responses-provider: %s is not a configured provider (%s): retrieving, deleting or"
                            + " cancelling a stored response, or listing its input items, is refused",
                    config.responsesProvider(), providers.keySet());
        }
        if (simulate) {
            LOG.info("gateway: simulated provider answers every model (no upstream is called)");
        } else {
            LOG.infof("gateway providers: %s", providers.values());
        }
    }

    static List<Rule> parse(List<String> specs) {
        List<Rule> out = new ArrayList<>();
        for (String spec : specs) {
            String s = spec.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.lastIndexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new IllegalStateException("tally.gateway routes: '" + s + "' is not pattern=provider");
            }
            String pattern = s.substring(0, eq).trim();
            String provider = s.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            boolean prefix = pattern.endsWith("*");
            out.add(new Rule(prefix ? pattern.substring(0, pattern.length() - 1) : pattern, prefix, provider));
        }
        return out;
    }

    /** The provider for {@code model}, or null when no rule matches (404 to the caller). */
    public Provider route(String model) {
        if (simulate) {
            return simulated;
        }
        for (Rule r : rules) {
            if (r.matches(model)) {
                return providers.get(r.provider());
            }
        }
        return null;
    }

    /**
     * The provider of the Responses API's calls on a stored response ({@code tally.gateway.responses-provider}),
     * or null when it is not configured (404 to the caller).
     */
    public Provider responsesProvider() {
        return simulate ? simulated : responses;
    }

    public boolean simulating() {
        return simulate;
    }

    public Map<String, Provider> providers() {
        return providers;
    }

    public List<Rule> rules() {
        return rules;
    }
}

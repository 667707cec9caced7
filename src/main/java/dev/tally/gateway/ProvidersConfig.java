package dev.tally.gateway;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Upstream providers: {@code tally.providers.<name>.base-url|api-key|kind}, in the environment
 * {@code TALLY_PROVIDERS_<NAME>_BASE_URL} etc. {@link ProviderRegistry} builds the providers from it
 * (and from the environment directly, for names SmallRye cannot split unambiguously).
 */
@ConfigMapping(prefix = "tally")
public interface ProvidersConfig {

    Map<String, ProviderSettings> providers();

    interface ProviderSettings {
        /** Base URL: OpenAI-style ones end in /v1 (https://api.openai.com/v1), Anthropic's does not. */
        Optional<String> baseUrl();

        /** The provider's secret, injected on every forwarded call; absent for keyless local servers. */
        Optional<String> apiKey();

        /** Wire format, openai or anthropic; default anthropic for the provider named anthropic, else openai. */
        Optional<String> kind();
    }
}

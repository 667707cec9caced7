package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Providers and routes from configuration, read by the real SmallRye config mappings. */
class ProviderRegistryTest {

    static ProviderRegistry registry(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withMapping(ProvidersConfig.class)
                .withValidateUnknown(false)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return new ProviderRegistry(
                config.getConfigMapping(GatewayConfig.class), config.getConfigMapping(ProvidersConfig.class), config);
    }

    @Test
    void openAiAndAnthropicExistWithTheirPublicUrlsAndTheDefaultRules() {
        ProviderRegistry r = registry(Map.of());
        assertThat(r.providers().keySet()).containsExactlyInAnyOrder("openai", "anthropic");
        Provider anthropic = r.route("claude-sonnet-4-5");
        assertThat(anthropic.name()).isEqualTo("anthropic");
        assertThat(anthropic.kind()).isEqualTo(Provider.Kind.ANTHROPIC);
        assertThat(anthropic.host()).isEqualTo("api.anthropic.com");
        assertThat(anthropic.port()).isEqualTo(443);
        assertThat(anthropic.upstreamPath("/v1/messages")).isEqualTo("/v1/messages");
        Provider openai = r.route("gpt-4o-mini");
        assertThat(openai.name()).isEqualTo("openai");
        assertThat(openai.upstreamPath("/v1/chat/completions")).isEqualTo("/v1/chat/completions");
        assertThat(r.route("o3-mini").name()).isEqualTo("openai");
        assertThat(r.route("text-embedding-3-small").name()).isEqualTo("openai");
        assertThat(r.route("llama-3.3-70b")).isNull();
        assertThat(r.simulating()).isFalse();
    }

    @Test
    void extraRoutesComeFirstAndExactNamesMatchOnlyThemselves() {
        ProviderRegistry r = registry(Map.of(
                "tally.providers.vllm.base-url", "http://10.0.0.5:8000/v1",
                "tally.gateway.extra-routes", "gpt-4o-local=vllm,llama-*=vllm"));
        assertThat(r.route("gpt-4o-local").name()).isEqualTo("vllm");
        assertThat(r.route("gpt-4o-local-2").name()).isEqualTo("openai");
        assertThat(r.route("llama-3.3-70b").name()).isEqualTo("vllm");
        Provider vllm = r.providers().get("vllm");
        assertThat(vllm.kind()).isEqualTo(Provider.Kind.OPENAI);
        assertThat(vllm.ssl()).isFalse();
        assertThat(vllm.apiKey()).isNull();
        assertThat(vllm.upstreamPath("/v1/chat/completions")).isEqualTo("/v1/chat/completions");
    }

    @Test
    void providersAreReadFromEnvironmentStyleNamesWithTheirKindAndSecret() {
        ProviderRegistry r = registry(Map.of(
                "TALLY_PROVIDERS_CORP_GATEWAY_BASE_URL", "https://llm.example.com/anthropic/",
                "TALLY_PROVIDERS_CORP_GATEWAY_API_KEY", "sk-corp",
                "TALLY_PROVIDERS_CORP_GATEWAY_KIND", "anthropic",
                "tally.gateway.extra-routes", "claude-*=corp-gateway"));
        Provider corp = r.route("claude-haiku-4-5");
        assertThat(corp.name()).isEqualTo("corp-gateway");
        assertThat(corp.kind()).isEqualTo(Provider.Kind.ANTHROPIC);
        assertThat(corp.apiKey()).isEqualTo("sk-corp");
        assertThat(corp.upstreamPath("/v1/messages")).isEqualTo("/anthropic/v1/messages");
    }

    @Test
    void aRuleNamingAnUnconfiguredProviderStopsTheStart() {
        assertThatThrownBy(() -> registry(Map.of("tally.gateway.extra-routes", "llama-*=vllm")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rule llama-*=vllm names an unconfigured provider");
    }

    @Test
    void aSecretWithoutABaseUrlStopsTheStartSayingWhatToSet() {
        assertThatThrownBy(() -> registry(Map.of("tally.providers.mistral.api-key", "sk-m")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TALLY_PROVIDERS_MISTRAL_BASE_URL");
    }

    @Test
    void aRuleWithoutAProviderIsRefused() {
        assertThatThrownBy(() -> ProviderRegistry.parse(List.of("llama-*")))
                .hasMessageContaining("'llama-*' is not pattern=provider");
        assertThat(ProviderRegistry.parse(List.of(" a*=X ", "", "b=y")))
                .containsExactly(new ProviderRegistry.Rule("a", true, "x"), new ProviderRegistry.Rule("b", false, "y"));
    }

    @Test
    void simulationAnswersEveryModelAlsoWhenTheDemoTurnsItOn() {
        for (String flag : new String[] {"tally.gateway.simulate", "tally.demo.enabled"}) {
            ProviderRegistry r = registry(Map.of(flag, "true"));
            assertThat(r.simulating()).isTrue();
            assertThat(r.route("llama-3.3-70b").kind()).isEqualTo(Provider.Kind.SIMULATED);
            assertThat(r.route("gpt-4o").name()).isEqualTo(Provider.SIMULATED_NAME);
        }
    }
}

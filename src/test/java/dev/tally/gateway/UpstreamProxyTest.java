package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy setting as read: its URL's rules, the no-proxy list, and a password that never shows. */
class UpstreamProxyTest {

    private static UpstreamProxy proxy(String url, String... noProxy) {
        return UpstreamProxy.of(
                Optional.of(url), noProxy.length == 0 ? Optional.empty() : Optional.of(List.of(noProxy)));
    }

    @Test
    void noUrlIsNoProxy() {
        assertThat(UpstreamProxy.of(Optional.empty(), Optional.of(List.of("x"))))
                .isNull();
        assertThat(UpstreamProxy.of(Optional.of(" "), Optional.empty())).isNull();
    }

    @Test
    void theUrlGivesHostPortAndCredentialsAndThePasswordNeverShows() {
        UpstreamProxy p = proxy("http://svc-tally:p%40ss:w0rd@proxy.corp.example:3128");
        assertThat(p.address().getHostString()).isEqualTo("proxy.corp.example");
        assertThat(p.address().getPort()).isEqualTo(3128);
        assertThat(p.toString())
                .isEqualTo("svc-tally:***@proxy.corp.example:3128")
                .doesNotContain("w0rd");
        assertThat(proxy("http://proxy.corp.example").address().getPort()).isEqualTo(80);
        assertThat(proxy("http://[::1]:8888/").address().getHostString()).isEqualTo("::1");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://user:secret-pw@proxy:3128",
                "socks5://user:secret-pw@proxy:1080",
                "http://user:secret-pw@proxy:3128/some/path",
                "http://user:secret-pw@proxy:3128?x=1",
                "proxy:3128",
                "http://user:secret-pw@:3128",
                "http://user:secret-pw@proxy:3128 extra"
            })
    void aUrlThatIsNotAnHttpProxyIsRefusedWithoutEchoingIt(String url) {
        assertThatThrownBy(() -> proxy(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tally.gateway.proxy.url is not http://[user:password@]host[:port]: ")
                .message()
                .doesNotContain("secret-pw");
    }

    @Test
    void theNoProxyListNamesHostsTheirSubdomainsAndAddresses() {
        UpstreamProxy p =
                proxy("http://proxy:3128", "llm.corp.example", ".internal", "*.azure.example", "10.0.0.7", "[::1]");
        assertThat(p.covers("api.openai.com")).isTrue();
        assertThat(p.covers("llm.corp.example")).isFalse();
        assertThat(p.covers("LLM.corp.example")).isFalse();
        assertThat(p.covers("eu.llm.corp.example")).isFalse();
        assertThat(p.covers("notllm.corp.example")).isTrue();
        assertThat(p.covers("vllm.internal")).isFalse();
        assertThat(p.covers("internal")).isFalse();
        assertThat(p.covers("x.azure.example")).isFalse();
        assertThat(p.covers("10.0.0.7")).isFalse();
        assertThat(p.covers("110.0.0.7")).isTrue();
        assertThat(p.covers("::1")).isFalse();
        assertThat(proxy("http://proxy:3128", "*").covers("api.anthropic.com")).isFalse();
        assertThat(proxy("http://proxy:3128").covers("localhost")).isTrue();
    }
}

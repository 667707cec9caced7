package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class UsageParserTest {

    static Usage parse(String json, Api.Wire wire) {
        Usage u = new Usage();
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        assertThat(UsageParser.fromResponseBody(b, 0, b.length, wire, u)).isTrue();
        return u;
    }

    @Test
    void openAiCachedTokensAreTakenOutOfPromptTokens() {
        Usage u = parse(FakeProvider.OPENAI_JSON.replace("MODEL", "gpt-4o"), Api.Wire.OPENAI);
        assertThat(u.input).isEqualTo(176);
        assertThat(u.cacheRead).isEqualTo(1024);
        assertThat(u.output).isEqualTo(300);
        assertThat(u.reasoning).isEqualTo(64);
        assertThat(u.cacheWrite).isZero();
    }

    @Test
    void anthropicCacheTokensAreBesideInputTokens() {
        Usage u = parse(FakeProvider.ANTHROPIC_JSON.replace("MODEL", "claude-sonnet-4-5"), Api.Wire.ANTHROPIC);
        assertThat(u.input).isEqualTo(50);
        assertThat(u.cacheRead).isEqualTo(2000);
        assertThat(u.cacheWrite).isEqualTo(1000);
        assertThat(u.cacheWrite1h).isEqualTo(200);
        assertThat(u.output).isEqualTo(400);
    }

    @Test
    void aBodyWithoutUsageIsReportedAsSuch() {
        Usage u = new Usage();
        byte[] b = "{\"error\":{\"message\":\"usage\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(UsageParser.fromResponseBody(b, 0, b.length, Api.Wire.OPENAI, u)).isFalse();
        assertThat(u.reported).isFalse();
    }
}

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
    void responsesApiCountsAreOpenAisUnderOtherNames() {
        Usage u = parse(
                FakeProvider.responseObject("gpt-4o", "completed", FakeProvider.RESPONSES_USAGE),
                Api.Wire.OPENAI_RESPONSES);
        // input_tokens 1200 includes cached_tokens 1024, output_tokens 300 includes reasoning_tokens 64
        assertThat(u.input).isEqualTo(176);
        assertThat(u.cacheRead).isEqualTo(1024);
        assertThat(u.output).isEqualTo(300);
        assertThat(u.reasoning).isEqualTo(64);
        assertThat(u.cacheWrite).isZero();
        assertThat(u.complete).isTrue();
        // chat completions' names are not the Responses API's, nor the other way round
        assertThat(report("{\"prompt_tokens\":1200,\"completion_tokens\":300}", Api.Wire.OPENAI_RESPONSES)
                        .total())
                .isZero();
        assertThat(report("{\"input_tokens\":1200,\"output_tokens\":300}", Api.Wire.OPENAI)
                        .total())
                .isZero();
        assertThat(report(
                                "{\"input_tokens\":10,\"input_tokens_details\":{\"cached_tokens\":11}}",
                                Api.Wire.OPENAI_RESPONSES)
                        .invalid)
                .isEqualTo(UsageProblem.INCONSISTENT);
        assertThat(report(
                                "{\"output_tokens\":10,\"output_tokens_details\":{\"reasoning_tokens\":-1}}",
                                Api.Wire.OPENAI_RESPONSES)
                        .invalid)
                .isEqualTo(UsageProblem.NEGATIVE);
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
        assertThat(UsageParser.fromResponseBody(b, 0, b.length, Api.Wire.OPENAI, u))
                .isFalse();
        assertThat(u.reported).isFalse();
    }

    /** The usage of a JSON answer whose usage object is {@code usage}. */
    static Usage report(String usage, Api.Wire wire) {
        Usage u = new Usage();
        byte[] b = ("{\"id\":\"x\",\"usage\":" + usage + "}").getBytes(StandardCharsets.UTF_8);
        boolean taken = UsageParser.fromResponseBody(b, 0, b.length, wire, u);
        assertThat(taken).as("counts taken exactly when none was refused").isEqualTo(u.invalid == null);
        return u;
    }

    @Test
    void impossibleNumbersRefuseTheWholeReportAndSayWhy() {
        assertThat(report("{\"input_tokens\":-5,\"output_tokens\":10}", Api.Wire.ANTHROPIC).invalid)
                .isEqualTo(UsageProblem.NEGATIVE);
        assertThat(report("{\"input_tokens\":1000000001,\"output_tokens\":10}", Api.Wire.ANTHROPIC).invalid)
                .isEqualTo(UsageProblem.TOO_LARGE);
        assertThat(report("{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":1}", Api.Wire.OPENAI)
                        .invalid)
                .isEqualTo(UsageProblem.TOO_LARGE);
        assertThat(report("{\"input_tokens\":\"lots\",\"output_tokens\":10}", Api.Wire.ANTHROPIC).invalid)
                .isEqualTo(UsageProblem.NOT_A_NUMBER);
        assertThat(report("{\"prompt_tokens\":12.5,\"completion_tokens\":1}", Api.Wire.OPENAI).invalid)
                .isEqualTo(UsageProblem.NOT_A_NUMBER);
        assertThat(report("{\"prompt_tokens\":[1],\"completion_tokens\":1}", Api.Wire.OPENAI).invalid)
                .isEqualTo(UsageProblem.NOT_A_NUMBER);
        assertThat(report("{\"prompt_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":11}}", Api.Wire.OPENAI)
                        .invalid)
                .isEqualTo(UsageProblem.INCONSISTENT);
        Usage u = report("{\"input_tokens\":-5,\"output_tokens\":10}", Api.Wire.ANTHROPIC);
        assertThat(u.output).isZero(); // the sound number of a refused report is not taken either
        assertThat(u.reported).isFalse();
        assertThat(u.complete).isFalse();
    }

    @Test
    void whatLooksLikeACountIsTakenAndNullIsNoCount() {
        Usage u = report(
                "{\"prompt_tokens\":\"120\",\"completion_tokens\":30.0,\"prompt_tokens_details\":null}",
                Api.Wire.OPENAI);
        assertThat(u.invalid).isNull();
        assertThat(u.input).isEqualTo(120);
        assertThat(u.output).isEqualTo(30);
        assertThat(u.cacheRead).isZero();
        assertThat(report("{\"input_tokens\":1000000000,\"output_tokens\":null}", Api.Wire.ANTHROPIC).input)
                .isEqualTo(1_000_000_000L);
    }

    @Test
    void onceAReportIsRefusedLaterReportsOfTheCallAreNotTaken() {
        Usage u = new Usage();
        byte[] start = "{\"usage\":{\"input_tokens\":-1,\"output_tokens\":1}}".getBytes(StandardCharsets.UTF_8);
        byte[] delta = "{\"usage\":{\"output_tokens\":400}}".getBytes(StandardCharsets.UTF_8);
        UsageParser.fromResponseBody(start, 0, start.length, Api.Wire.ANTHROPIC, u);
        UsageParser.fromResponseBody(delta, 0, delta.length, Api.Wire.ANTHROPIC, u);
        assertThat(u.invalid).isEqualTo(UsageProblem.NEGATIVE);
        assertThat(u.output).isZero();
        u.streamedTextChars = 40;
        u.estimate(400);
        assertThat(u.input).isEqualTo(100);
        assertThat(u.output).isEqualTo(10);
        assertThat(u.estimated).isTrue();
    }
}

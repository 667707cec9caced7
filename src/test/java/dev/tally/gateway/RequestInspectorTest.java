package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class RequestInspectorTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsModelAndStreamWithoutCaringAboutOtherFields() throws Exception {
        var in = RequestInspector.inspect(b(" {\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":1}\"}],"
                + "\"model\":\"gpt-4o\",\"stream\":true}"));
        assertThat(in.model()).isEqualTo("gpt-4o");
        assertThat(in.stream()).isTrue();
        assertThat(in.includeUsage()).isFalse();
    }

    @Test
    void rejectsWhatIsNotAJsonObjectWithAModel() {
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":\"x\",")))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RequestInspector.inspect(b("[1]"))).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":\"x\"} {}"))).hasMessageContaining("after");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{\"model\":3}"))).hasMessageContaining("model: must be a string");
        assertThatThrownBy(() -> RequestInspector.inspect(b("{}"))).hasMessageContaining("model: is required");
    }

    @Test
    void includeUsageIsInsertedOrMergedAndTheBodyStaysValid() throws Exception {
        byte[] plain = b("  {\"model\":\"gpt-4o\",\"stream\":true}");
        JsonNode a = UsageParser.MAPPER.readTree(RequestInspector.withIncludeUsage(plain, RequestInspector.inspect(plain)));
        assertThat(a.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(a.get("model").asText()).isEqualTo("gpt-4o");

        byte[] withOptions = b("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}}");
        var in = RequestInspector.inspect(withOptions);
        assertThat(in.hasStreamOptions()).isTrue();
        JsonNode m = UsageParser.MAPPER.readTree(RequestInspector.withIncludeUsage(withOptions, in));
        assertThat(m.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(m.at("/stream_options/x").asInt()).isEqualTo(1);
    }

    @Test
    void maxTokensIsReadFromEitherApisFieldAndIsMinusOneWhenAbsent() throws Exception {
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":1024}")).maxTokens()).isEqualTo(1024);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_completion_tokens\":77}")).maxTokens())
                .isEqualTo(77);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\"}")).maxTokens()).isEqualTo(-1);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":null}")).maxTokens()).isEqualTo(-1);
        assertThat(RequestInspector.inspect(b("{\"model\":\"x\",\"max_tokens\":123456789012345678901234567890}"))
                .maxTokens()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRewrittenModelReplacesOnlyTheTopLevelModelValue() throws Exception {
        byte[] body = b("{ \"messages\":[{\"role\":\"user\",\"content\":\"model: \\\"keep\\\"\",\"model\":\"inner\"}],"
                + "\"model\" : \"claude-opus-4-7\" ,\"max_tokens\":5}");
        byte[] out = RequestInspector.withModel(body, "claude-haiku-4-5");
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("{ \"messages\":[{\"role\":\"user\","
                + "\"content\":\"model: \\\"keep\\\"\",\"model\":\"inner\"}],\"model\" : \"claude-haiku-4-5\" ,\"max_tokens\":5}");
        assertThat(RequestInspector.withModel(b("{\"model\":\"a\\u00e9\"}"), "say \"hi\""))
                .isEqualTo(b("{\"model\":\"say \\\"hi\\\"\"}"));
    }
}

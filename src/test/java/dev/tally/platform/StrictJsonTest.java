package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.tally.events.CloudEvent;
import dev.tally.identity.NewTeam;
import dev.tally.outcomes.mapping.RepoTeamResource.RuleDto;

/**
 * A body's unknown field in the API's words ({@link ProblemMapper#unknownField}), read by a mapper set
 * as the app's ({@code quarkus.jackson.fail-on-unknown-properties=true}); and the event envelope,
 * which stays lenient under it. The HTTP side is in the resources' own tests
 * ({@code BudgetAdminTest}, {@code AlertChannelEditTest}, {@code IdentityApiTest}, {@code GatewayProxyTest}).
 */
class StrictJsonTest {

    static final ObjectMapper STRICT = JsonMapper.builder()
            .findAndAddModules()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static String detail(String json, TypeReference<?> type) {
        UnrecognizedPropertyException e =
                catchThrowableOfType(UnrecognizedPropertyException.class, () -> STRICT.readValue(json, type));
        assertThat(e).as("refused").isNotNull();
        return ProblemMapper.unknownField(e);
    }

    @Test
    void aFieldAtTheTopIsNamedWithTheFieldsTheObjectHas() {
        assertThat(detail("{\"name\":\"Checkout\",\"departmnt\":\"Engineering\"}", new TypeReference<NewTeam>() {}))
                .isEqualTo("departmnt: unknown field; expected one of department, name");
    }

    @Test
    void aFieldOfAListsElementIsNamedWithItsIndex() {
        String rules = "[{\"pattern\":\"acme/*\",\"teamId\":\"" + UUID.randomUUID() + "\"},"
                + "{\"patern\":\"acme/web\",\"teamId\":\"" + UUID.randomUUID() + "\"}]";
        assertThat(detail(rules, new TypeReference<List<RuleDto>>() {}))
                .isEqualTo("[1].patern: unknown field; expected one of pattern, source, teamId");
    }

    @Test
    void aCloudEventsExtensionAttributeIsReadNotRefused() throws Exception {
        // CloudEvents 1.0 lets a producer add attributes beside the standard ones (here: traceparent)
        CloudEvent<JsonNode> e = STRICT.readValue(
                "{\"specversion\":\"1.0\",\"id\":\"a-1\",\"source\":\"/x\",\"type\":\"dev.tally.alert.v1\","
                        + "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
                        + "\"data\":{\"kind\":\"threshold\"}}",
                new TypeReference<CloudEvent<JsonNode>>() {});
        assertThat(e.id()).isEqualTo("a-1");
        assertThat(e.data().path("kind").asText()).isEqualTo("threshold");
    }
}

package dev.tally.gateway;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.inject.Singleton;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.tally.identity.ResolvedKey;
import dev.tally.pricing.PriceService;

/**
 * {@code GET /v1/models}: the models a key may use and some provider routes, in the caller's list
 * shape (OpenAI's, or Anthropic's when the request carries {@code anthropic-version}).
 */
@Singleton
class ModelsListing {

    private final ProviderRegistry registry;
    private final PriceService prices;

    ModelsListing(ProviderRegistry registry, PriceService prices) {
        this.registry = registry;
        this.prices = prices;
    }

    Buffer body(ResolvedKey key, Api.Wire wire) {
        Set<String> names = new LinkedHashSet<>();
        if (key.allowedModels() != null && !key.allowedModels().isEmpty()) {
            names.addAll(key.allowedModels());
        } else {
            names.addAll(prices.catalog().all().keySet());
            for (ProviderRegistry.Rule r : registry.rules()) {
                if (!r.prefix()) {
                    names.add(r.pattern());
                }
            }
        }
        JsonArray data = new JsonArray();
        boolean anthropic = wire == Api.Wire.ANTHROPIC;
        for (String name : names) {
            Provider p = registry.route(name);
            if (p == null) {
                continue;
            }
            if (anthropic) {
                data.add(new JsonObject()
                        .put("type", "model")
                        .put("id", name)
                        .put("display_name", name)
                        .put("created_at", "1970-01-01T00:00:00Z"));
            } else {
                data.add(new JsonObject()
                        .put("id", name)
                        .put("object", "model")
                        .put("created", 0)
                        .put("owned_by", p.name()));
            }
        }
        JsonObject body = anthropic
                ? new JsonObject()
                        .put("data", data)
                        .put("has_more", false)
                        .put(
                                "first_id",
                                data.isEmpty() ? null : data.getJsonObject(0).getString("id"))
                        .put(
                                "last_id",
                                data.isEmpty()
                                        ? null
                                        : data.getJsonObject(data.size() - 1).getString("id"))
                : new JsonObject().put("object", "list").put("data", data);
        return body.toBuffer();
    }
}

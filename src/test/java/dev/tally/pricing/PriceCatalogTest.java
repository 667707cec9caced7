package dev.tally.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

class PriceCatalogTest {

    static final PriceCatalog CATALOG = PriceCatalog.load();

    @Test
    void everyPriceHasADateAndAnOfficialSource() {
        assertThat(CATALOG.all()).hasSizeGreaterThan(20);
        CATALOG.all().forEach((model, p) -> {
            assertThat(p.date()).as(model).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(p.source()).as(model).matches("https://(platform\\.claude\\.com|developers\\.openai\\.com)/.*");
            assertThat(CATALOG.provider(model)).as(model).isIn("anthropic", "openai");
        });
    }

    @Test
    void listPricesBecomeWholeNanoDollarsPerToken() {
        Price mini = CATALOG.exact("gpt-4o-mini");
        assertThat(mini.rates().input() / 1_000_000).isEqualTo(150);
        assertThat(mini.rates().cacheRead() / 1_000_000).isEqualTo(75);
        assertThat(mini.rates().output() / 1_000_000).isEqualTo(600);
        assertThat(mini.cost(1_000_000, 0, 0, 0, 0)).isEqualTo(150_000_000L); // $0.15
    }

    @Test
    void atTheMaximumPriceTheLargestCallsCostFitsALong() {
        long max = Price.MAX_USD_PER_MTOK * 1_000_000_000L;
        Price.Rates r = new Price.Rates(max, max, max, max, max);
        Price p = new Price(r, new Price.LongContext(1, r), "2026-12-07", "test", true);
        long n = dev.tally.gateway.UsageParser.MAX_TOKENS;
        assertThat(p.cost(n, n, n, n, n)).isEqualTo(4 * n * Price.MAX_USD_PER_MTOK * 1_000L);
    }

    @Test
    void anthropicCostSplitsFiveMinuteAndOneHourCacheWrites() {
        Price sonnet = CATALOG.exact("claude-sonnet-4-5");
        assertThat(sonnet.cost(50, 400, 2000, 1000, 200))
                .isEqualTo(50 * 3000 + 800 * 3750 + 200 * 6000 + 2000 * 300 + 400 * 15000);
    }

    @Test
    void longContextTierAppliesToEveryTokenAboveTheThreshold() {
        Price sonnet = CATALOG.exact("claude-sonnet-4-5");
        assertThat(sonnet.cost(200_000, 1000, 0, 0, 0)).isEqualTo(200_000L * 3000 + 1000 * 15000);
        // one token more (cache reads count towards the prompt): $6 / $22.50 for all of it
        assertThat(sonnet.cost(199_000, 1000, 1001, 0, 0)).isEqualTo(199_000L * 6000 + 1001 * 600 + 1000 * 22500);
    }

    @Test
    void aSnapshotWithItsOwnPriceIsNotPricedAsItsBaseModel() {
        PriceService prices = new PriceService(null, null, null);
        // gpt-4o-2024-05-13 is $5 / $15 per MTok, not gpt-4o's $2.50 / $10
        assertThat(prices.price("gpt-4o-2024-05-13").cost(1_000_000, 1_000_000, 0, 0, 0))
                .isEqualTo(20_000_000_000L);
        // the later snapshots still take gpt-4o's price
        assertThat(prices.price("gpt-4o-2024-08-06").cost(1_000_000, 1_000_000, 0, 0, 0))
                .isEqualTo(12_500_000_000L);
    }

    @Test
    void subNanoPricesAreRefused() {
        assertThatThrownBy(() -> Money.nanos(new BigDecimal("0.0000000001"), "input"))
                .hasMessageContaining("more than 9 decimals");
        assertThat(Money.nanos(new BigDecimal("0.005"), "input")).isEqualTo(5_000_000L);
        assertThat(Money.usd(75_000_000L)).isEqualTo("0.075");
    }
}

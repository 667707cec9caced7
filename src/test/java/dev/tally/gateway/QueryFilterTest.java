package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The client's query parameters: the allowed ones forwarded as they came, the rest dropped and counted. */
class QueryFilterTest {

    final QueryFilter filter = new QueryFilter(List.of("beta", " api-version "));

    @Test
    void allowedParametersAreKeptInTheirOrderAndSpelling() {
        assertThat(filter.filter("beta=true")).isEqualTo(new QueryFilter.Result("beta=true", 0));
        assertThat(filter.filter("api-version=2024-10-21&beta=true"))
                .isEqualTo(new QueryFilter.Result("api-version=2024-10-21&beta=true", 0));
        assertThat(filter.filter("beta")).isEqualTo(new QueryFilter.Result("beta", 0));
        assertThat(filter.filter("beta=a%20b")).isEqualTo(new QueryFilter.Result("beta=a%20b", 0));
    }

    @Test
    void othersAreDroppedAndCounted() {
        assertThat(filter.filter("beta=true&utm=x&trace")).isEqualTo(new QueryFilter.Result("beta=true", 2));
        assertThat(filter.filter("Beta=true")).isEqualTo(new QueryFilter.Result("", 1));
        assertThat(filter.filter("be%74a=true")).isEqualTo(new QueryFilter.Result("", 1));
        assertThat(filter.filter("&&beta=1&")).isEqualTo(new QueryFilter.Result("beta=1", 0));
    }

    @Test
    void anAllowedNameWithCharactersAQueryMayNotCarryIsDropped() {
        assertThat(filter.filter("beta=a b&api-version=1")).isEqualTo(new QueryFilter.Result("api-version=1", 1));
        assertThat(filter.filter("beta=\"x\"")).isEqualTo(new QueryFilter.Result("", 1));
    }
}

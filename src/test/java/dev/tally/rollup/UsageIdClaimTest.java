package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.EventIds;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class UsageIdClaimTest {

    @Inject
    DataSource dataSource;

    /** The claim appends ids in the index's order; Java's UUID.compareTo is signed, PostgreSQL's is not. */
    @Test
    void idsAreSortedAsPostgresqlSortsUuids() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(UUID.randomUUID());
            ids.add(UUID.fromString(EventIds.timeOrdered(1_796_000_000_000L + i % 3)));
        }
        ids.add(new UUID(Long.MIN_VALUE, 1));
        ids.add(new UUID(Long.MAX_VALUE, Long.MIN_VALUE));
        ids.add(new UUID(-1L, -1L));
        ids.add(new UUID(0, 0));
        List<UUID> java = new ArrayList<>(ids);
        java.sort(UsageIdClaim.INDEX_ORDER);

        List<UUID> postgres = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM unnest(?::uuid[]) AS k(id) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    postgres.add(rs.getObject(1, UUID.class));
                }
            }
        }
        assertThat(java).containsExactlyElementsOf(postgres);
    }
}

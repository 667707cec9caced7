package dev.tally.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The workloads pages write money as the dashboards do, so one figure reads the same on every page. */
class WorkloadMoneyTest {

    @Test
    void workloadMoneyHasTheDashboardsThousandsSeparatorsAndNeverReadsAsFree() {
        assertThat(WorkloadTables.usd(22_144_270_000_000L)).isEqualTo("$22,144.27");
        assertThat(WorkloadTables.usd(400_000_000_000L)).isEqualTo("$400.00");
        // a few cheap calls are not "$0.00", which would read as free or unpriced
        assertThat(WorkloadTables.usd(1_000_000L)).isEqualTo("<$0.01");
    }
}

package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.Test;

/**
 * The broker's Log4j 2 API loggers write to Quarkus' log manager, where the categories and filters of
 * application.properties apply, and Log4j's own implementation is not on the class path at all.
 */
class Log4jRoutingTest {

    @Test
    void aLog4jApiRecordReachesTheLogManagerAndLog4jCoreIsAbsent() {
        String category = "tally.log4j.probe";
        List<ExtLogRecord> seen = new CopyOnWriteArrayList<>();
        ExtHandler capture = new ExtHandler() {
            @Override
            protected void doPublish(ExtLogRecord record) {
                seen.add(record);
            }
        };
        Logger target = LogContext.getLogContext().getLogger(category);
        target.addHandler(capture);
        try {
            LogManager.getLogger(category).warn("probe {}", 42);
        } finally {
            target.removeHandler(capture);
        }

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).getFormattedMessage()).isEqualTo("probe 42");
        assertThat(seen.get(0).getLoggerName()).isEqualTo(category);
        assertThatThrownBy(() -> Class.forName("org.apache.logging.log4j.core.LoggerContext"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}

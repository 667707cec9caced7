package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.netty.channel.SelectStrategy;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import dev.tally.platform.Ticker;

class EventLoopSpinTest {

    /** A selectNow that counts its calls and answers what it is told. */
    static final class Sockets implements io.netty.util.IntSupplier {
        int ready;
        int polls;

        @Override
        public int get() {
            polls++;
            return ready;
        }
    }

    @Test
    void anUnarmedLoopSleepsAtOnceAsNettysDefaultDoes() throws Exception {
        AtomicLong now = new AtomicLong(1_000);
        EventLoopSpin.Strategy s = new EventLoopSpin.Strategy(now::get);
        Sockets sockets = new Sockets();

        assertThat(s.calculateStrategy(sockets, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(sockets.polls).as("no poll without a call waiting").isZero();
        sockets.ready = 3;
        assertThat(s.calculateStrategy(sockets, true))
                .as("tasks: what is ready, then the tasks")
                .isEqualTo(3);
    }

    @Test
    void anArmedLoopPollsUntilItsDeadlineThenSleeps() throws Exception {
        AtomicLong now = new AtomicLong(1_000);
        EventLoopSpin.Strategy s = new EventLoopSpin.Strategy(now::get);
        Sockets sockets = new Sockets();
        s.pollUntil(1_100);

        assertThat(s.calculateStrategy(sockets, false)).isEqualTo(SelectStrategy.CONTINUE);
        now.set(1_099);
        assertThat(s.calculateStrategy(sockets, false)).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(sockets.polls).isEqualTo(2);
        now.set(1_100);
        assertThat(s.calculateStrategy(sockets, false)).as("the time is up").isEqualTo(SelectStrategy.SELECT);
        now.set(1_101);
        assertThat(s.calculateStrategy(sockets, false)).as("disarmed").isEqualTo(SelectStrategy.SELECT);
        assertThat(sockets.polls).isEqualTo(3);
    }

    @Test
    void whatIsReadyEndsThePoll() throws Exception {
        AtomicLong now = new AtomicLong(0);
        EventLoopSpin.Strategy s = new EventLoopSpin.Strategy(now::get);
        Sockets sockets = new Sockets();
        s.pollUntil(100);
        assertThat(s.calculateStrategy(sockets, false)).isEqualTo(SelectStrategy.CONTINUE);

        sockets.ready = 1;
        assertThat(s.calculateStrategy(sockets, false))
                .as("the answer is processed")
                .isEqualTo(1);
        sockets.ready = 0;
        assertThat(s.calculateStrategy(sockets, false))
                .as("then the loop sleeps again")
                .isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void tasksRunWhilePolling() throws Exception {
        AtomicLong now = new AtomicLong(0);
        EventLoopSpin.Strategy s = new EventLoopSpin.Strategy(now::get);
        Sockets sockets = new Sockets();
        s.pollUntil(100);
        assertThat(s.calculateStrategy(sockets, true)).as("a task: run it").isZero();
        assertThat(s.calculateStrategy(sockets, false))
                .as("still armed after it")
                .isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void theLoopsOfARealGroupPollForALoneCallAndStillRunTasksAndTimers() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        try {
            CallsInFlight inFlight = new CallsInFlight();
            EventLoopSpin spin = new EventLoopSpin(1_000_000, inFlight, Ticker.SYSTEM); // 1 s: long armed
            spin.install(group);
            await().atMost(Duration.ofSeconds(10)).until(() -> spin.loops() == 2);
            Field field = io.netty.channel.nio.NioEventLoop.class.getDeclaredField("selectStrategy");
            field.setAccessible(true);
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            for (EventExecutor loop : loops) {
                assertThat(field.get(loop)).isInstanceOf(EventLoopSpin.Strategy.class);
            }

            // a lone call's request sent: the loop is armed for a second
            inFlight.started();
            EventExecutor loop = loops.get(0);
            loop.submit(spin::requestSent).get(10, TimeUnit.SECONDS);
            assertThat(armed(loop)).isTrue();
            // a task from another thread and a timer still run while it polls
            CompletableFuture<String> task = new CompletableFuture<>();
            loop.execute(() -> task.complete("ran"));
            assertThat(task.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
            AtomicInteger timer = new AtomicInteger();
            loop.schedule(timer::incrementAndGet, 1, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> timer.get() == 1);

            // more calls in flight than loops: no poll
            inFlight.started();
            inFlight.started();
            EventExecutor other = loops.get(1);
            other.submit(spin::requestSent).get(10, TimeUnit.SECONDS);
            assertThat(armed(other)).isFalse();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static boolean armed(EventExecutor loop) throws Exception {
        Field field = io.netty.channel.nio.NioEventLoop.class.getDeclaredField("selectStrategy");
        field.setAccessible(true);
        EventLoopSpin.Strategy s = (EventLoopSpin.Strategy) field.get(loop);
        return loop.submit(s::armed).get(10, TimeUnit.SECONDS);
    }
}

package dev.comet.runtime;

import dev.comet.aso.AsoRuntime;
import dev.comet.core.Environment;
import dev.comet.storage.Store;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * One {@link dev.comet.core.Node}'s view of the world on a real socket: the channel, its event loop, the wall clock,
 * the store and its object runtime. Owns whether it is retired: a node that {@link UdpNode} replaced with one holding
 * a bound id sends nothing more and runs no more timers, whatever it still had under way. Used on the loop only.
 */
final class LoopEnvironment implements Environment {
    private final Channel channel;
    private final RandomGenerator random;
    private final Store store;
    private final AsoRuntime runtime;
    private final BooleanSupplier closed;
    private boolean retired;

    LoopEnvironment(Channel channel, RandomGenerator random, Store store, AsoRuntime runtime, BooleanSupplier closed) {
        this.channel = channel;
        this.random = random;
        this.store = store;
        this.runtime = runtime;
        this.closed = closed;
    }

    /** The node is replaced: from now on it sends nothing and its timers do not run. */
    void retire() {
        retired = true;
    }

    @Override
    public long now() {
        // wall clock: stored expiry times must mean the same after a restart (timers use the loop's own clock)
        return System.currentTimeMillis();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        ScheduledFuture<?> f = channel.eventLoop().schedule(() -> {
            if (!retired) {
                task.run();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void send(InetSocketAddress to, byte[] datagram) {
        if (!closed.getAsBoolean() && !retired) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), channel.voidPromise());
        }
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public AsoRuntime asoRuntime() {
        return runtime;
    }
}

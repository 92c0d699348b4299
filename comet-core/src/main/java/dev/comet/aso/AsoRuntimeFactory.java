package dev.comet.aso;

import dev.comet.id.NodeId;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/** Makes the {@link AsoRuntime} of one node: outcomes go back through {@code nodeThread}. */
@FunctionalInterface
public interface AsoRuntimeFactory {
    AsoRuntime create(Executor nodeThread, NodeId nodeId, InetSocketAddress address, LongSupplier clock);
}

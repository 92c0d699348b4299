package dev.comet.client;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectReport;
import dev.comet.core.NodeConfig;
import dev.comet.items.Ed25519;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.runtime.DataDirectory;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CometClient} that is itself a full node in this JVM: it joins the network of the given bootstrap nodes
 * (or runs alone, storing everything itself) and runs active objects in the process's shared Lua pool. It owns
 * its node and event loop and closes both.
 */
public final class EmbeddedCometClient implements CometClient {
    /** How long an operation may take before it fails with {@link ErrorCode#TIMEOUT} (unavailable). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final NioEventLoopGroup group;
    private final UdpNode node;
    private final NodeOperations operations;

    private EmbeddedCometClient(NioEventLoopGroup group, UdpNode node, Duration timeout) {
        this.group = group;
        this.node = node;
        this.operations = new NodeOperations(node, timeout);
    }

    /** A node on 127.0.0.1 (a free port) that joins through {@code bootstrap}, with default settings. */
    public static EmbeddedCometClient join(List<InetSocketAddress> bootstrap) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), bootstrap, NodeConfig.defaults(), null,
                DEFAULT_TIMEOUT);
    }

    /** A node on 127.0.0.1 that runs alone: its own network of one, holding every object it stores. */
    public static EmbeddedCometClient alone() {
        return join(List.of());
    }

    /**
     * A node bound to {@code bind} that joins through {@code bootstrap} (empty: alone), keeps its id, contacts and
     * data in {@code dataDir} (null: in memory) and fails operations after {@code timeout}. Returns once the node
     * has finished its first bootstrap round.
     */
    public static EmbeddedCometClient start(InetSocketAddress bind, List<InetSocketAddress> bootstrap, NodeConfig config,
                                            Path dataDir, Duration timeout) {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            UdpNode node = UdpNode.start(group, bind, config, bootstrap, dataDir == null ? null : new DataDirectory(dataDir),
                    false, LuaRuntimePool.factory());
            EmbeddedCometClient client = new EmbeddedCometClient(group, node, timeout);
            try {
                node.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                client.close();
                throw new CometClientException(ErrorCode.TIMEOUT, "the embedded node did not join within " + timeout.toSeconds() + " s");
            }
            return client;
        } catch (CometException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw CometClientException.of(e);
        }
    }

    /** The node this client runs (its address is a bootstrap for others). */
    public UdpNode node() {
        return node;
    }

    @Override
    public WriteResult put(String key, ObjectSpec spec) {
        return await(() -> operations.put(key, spec));
    }

    @Override
    public GetResult get(String key, Map<String, String> args, boolean all) {
        return await(() -> operations.get(key, args, all));
    }

    @Override
    public WriteResult delete(String key) {
        return await(() -> operations.delete(key));
    }

    @Override
    public WriteResult putSigned(SignedObjectSpec spec) {
        return await(() -> operations.putSigned(spec));
    }

    @Override
    public GetResult getSigned(String publicKeyHex, String salt, Map<String, String> args, boolean all) {
        return await(() -> operations.getSigned(publicKeyHex, salt, args, all));
    }

    @Override
    public GetResult getSignedFresh(String publicKeyHex, String salt, Map<String, String> args, long minVersion,
                                    Long maxAgeSeconds) {
        return await(() -> operations.getSignedFresh(publicKeyHex, salt, args, minVersion, maxAgeSeconds));
    }

    @Override
    public WriteResult deleteSigned(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt) {
        return await(() -> operations.deleteSigned(ownerPublicKeyHex, salt, SignedRequest.sign(signer,
                OwnerRequest.DELETE, NodeOperations.signedKey(ownerPublicKeyHex, salt))));
    }

    @Override
    public ObjectReport state(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt) {
        return await(() -> operations.reportSigned(ownerPublicKeyHex, salt, null, SignedRequest.sign(signer,
                OwnerRequest.STATE, NodeOperations.signedKey(ownerPublicKeyHex, salt))));
    }

    @Override
    public ObjectReport state(String key, String adminToken) {
        return await(() -> operations.report(key, adminToken, null));
    }

    @Override
    public UpdateResult update(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt,
                               UpdateProgram program) {
        return await(() -> operations.update(ownerPublicKeyHex, salt, SignedRequest.update(signer,
                NodeOperations.signedKey(ownerPublicKeyHex, salt), program)));
    }

    @Override
    public VersionResult version(String ownerPublicKeyHex, String salt, long number) {
        return await(() -> operations.readVersion(ownerPublicKeyHex, salt, number, null));
    }

    @Override
    public VersionResult versionByHash(String ownerPublicKeyHex, String salt, String sha256Hex) {
        return await(() -> operations.readVersion(ownerPublicKeyHex, salt, null, sha256Hex));
    }

    @Override
    public List<VersionResult> versions(String ownerPublicKeyHex, String salt) {
        return await(() -> operations.versions(ownerPublicKeyHex, salt));
    }

    @Override
    public WriteResult putItem(ItemSpec item) {
        return await(() -> operations.putItem(item));
    }

    @Override
    public ItemResult getItem(String targetHex, String salt) {
        return await(() -> operations.getItem(targetHex, salt));
    }

    @Override
    public void close() {
        node.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs an operation and waits for it (NodeOperations bounds the wait), with its failure as the client's exception. */
    private static <T> T await(java.util.function.Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> started;
        try {
            started = operation.get();
        } catch (RuntimeException e) {
            throw NodeOperations.failure(e);
        }
        return NodeOperations.await(started);
    }
}
